using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>What the numbers were measured on: CPU model, logical cores, memory, libtorch threads, runtime.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Describe()
    {
        yield return $"CPU: {CpuModel()}, {Environment.ProcessorCount} logical cores";
        yield return $"memory: {MemTotal()}";
        yield return $"libtorch intra-op threads: {get_num_threads()}";
        yield return $"runtime: .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        yield return LoadAverage();
    }

    /// <summary>The 1, 5 and 15 minute load averages (other processes competing for the cores make timings slower and noisier).</summary>
    public static string LoadAverage() =>
        "load average (1/5/15 min): " + (File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";

    private static string MemTotal()
    {
        string? line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: 3 } && long.TryParse(parts[1], out long kib) ? $"{kib / 1024.0 / 1024.0:F1} GiB" : "unknown";
    }
}
