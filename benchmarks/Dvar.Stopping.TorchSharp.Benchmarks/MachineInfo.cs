using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Benchmarks;

/// <summary>What the numbers were measured on: CPU model, logical cores, memory, libtorch threads, runtime.</summary>
internal static class MachineInfo
{
    public static IEnumerable<string> Describe()
    {
        yield return $"CPU: {CpuModel()}, {Environment.ProcessorCount} logical cores";
        yield return $"CPU flags (bfloat16/float16 and vector units, from /proc/cpuinfo): {CpuFlags()}";
        yield return $"memory: {MemTotal()}";
        yield return $"libtorch intra-op threads: {get_num_threads()}, inter-op threads: {get_num_interop_threads()}";
        yield return $"runtime: .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        yield return LoadAverage();
    }

    /// <summary>The 1, 5 and 15 minute load averages (other processes competing for the cores make timings slower and noisier).</summary>
    public static string LoadAverage() =>
        "load average (1/5/15 min): " + (File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");

    /// <summary>The flags that decide how fast bfloat16 and float16 run: AMX tiles (amx_bf16, amx_fp16), AVX-512 BF16 / FP16
    /// dot products, VNNI, and the AVX-512 / AVX2 baselines oneDNN needs; "none" when the CPU reports none of them.</summary>
    public static string CpuFlags()
    {
        string[] wanted = ["amx_bf16", "amx_fp16", "amx_tile", "amx_int8", "avx512_bf16", "avx512_fp16", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "avx2", "fma", "f16c"];
        string? line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) : null;
        if (line is null)
        {
            return "unknown";
        }

        var flags = line.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var present = wanted.Where(flags.Contains).ToList();
        var absent = wanted.Where(f => f.StartsWith("amx", StringComparison.Ordinal) || f.Contains("bf16", StringComparison.Ordinal) || f.Contains("fp16", StringComparison.Ordinal)).Where(f => !flags.Contains(f)).ToList();
        return (present.Count == 0 ? "none" : string.Join(" ", present)) + (absent.Count == 0 ? "" : $" (absent: {string.Join(" ", absent)})");
    }

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
