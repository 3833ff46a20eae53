namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>The process's resident memory from /proc/self/status (Linux), native allocations included.</summary>
internal static class ProcessMemory
{
    /// <summary>Gets the current resident set size (VmRSS) in bytes, or null where /proc is unavailable.</summary>
    public static long? Resident => Read("VmRSS:");

    /// <summary>Gets the peak resident set size (VmHWM) in bytes since the start or the last <see cref="ResetPeak"/>.</summary>
    public static long? Peak => Read("VmHWM:");

    /// <summary>Resets VmHWM to the current VmRSS (writes 5 to /proc/self/clear_refs, Linux 4.0+); false where that is not possible.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long? Read(string field)
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status))
        {
            return null;
        }

        string? line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: 3 } && parts[2] == "kB" && long.TryParse(parts[1], out long kib) ? kib * 1024 : null;
    }
}
