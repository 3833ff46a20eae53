using BenchmarkDotNet.Attributes;

namespace Dvar.Stopping.Benchmarks;

/// <summary>The paper's Figure 3 run at every step: numpy-style two-pass variances of the last N values and of the whole
/// history, recomputed from scratch, so the cost per value grows with the history (O(k)). Capped at 100k values: at 1M
/// one invocation would take about 100 times the 100k one.</summary>
[MemoryDiagnoser]
public class NaiveDvarBenchmarks
{
    private const int Window = 310;
    private const double Threshold = 0.15;
    private double[] _trace = [];

    [Params(1_000, 10_000, 100_000)]
    public int HistoryLength { get; set; }

    [GlobalSetup]
    public void Setup() => _trace = BenchmarkTrace.Create(HistoryLength);

    [Benchmark]
    public bool NaiveFigure3()
    {
        bool stop = false;
        for (int k = 1; k <= _trace.Length; k++)
        {
            ReadOnlySpan<double> losses = _trace.AsSpan(0, k);
            double running = Variance(losses[Math.Max(0, k - Window)..]);
            double total = Variance(losses);
            stop |= running / total < Threshold;
        }

        return stop;
    }

    private static double Variance(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        double squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return squares / values.Length;
    }
}
