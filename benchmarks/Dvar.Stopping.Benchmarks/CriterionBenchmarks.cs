using BenchmarkDotNet.Attributes;
using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;

namespace Dvar.Stopping.Benchmarks;

/// <summary>Cost per value of each criterion over a whole history of 1k, 100k and 1M values: each invocation resets the
/// criterion (no allocation) and feeds the pre-generated trace; <see cref="PerValueColumn"/> divides by the length.</summary>
[MemoryDiagnoser]
public class CriterionBenchmarks
{
    private double[] _trace = [];
    private IStoppingCriterion _criterion = null!;

    [Params(1_000, 100_000, 1_000_000)]
    public int HistoryLength { get; set; }

    [Params("dvar", "ema", "hall", "trend", "fixed", "patience", "anyOf(dvar,fixed)")]
    public string Criterion { get; set; } = "dvar";

    [GlobalSetup]
    public void Setup()
    {
        _trace = BenchmarkTrace.Create(HistoryLength);
        _criterion = Create(Criterion);
    }

    [Benchmark]
    public StopDecision Observe()
    {
        _criterion.Reset();
        StopDecision last = default;
        foreach (double value in _trace)
        {
            last = _criterion.Observe(value);
        }

        return last;
    }

    private static IStoppingCriterion Create(string name) => name switch
    {
        "dvar" => new DvarCriterion(DvarOptions.TextualInversion),
        "ema" => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 100, Threshold = 0.01 }),
        "hall" => new HallCriterion(new HallOptions { Window = 310, Threshold = 0.05 }),
        "trend" => new TrendCriterion(new TrendOptions { Window = 310, Threshold = 1e-5 }),
        "fixed" => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = long.MaxValue }),
        "patience" => new PatienceCriterion(PatienceOptions.TextualInversion),
        "anyOf(dvar,fixed)" => new AnyOfCriterion(
            new DvarCriterion(DvarOptions.TextualInversion),
            new FixedBudgetCriterion(new FixedBudgetOptions { Budget = long.MaxValue })),
        _ => throw new ArgumentOutOfRangeException(nameof(name), $"Unknown criterion '{name}'."),
    };
}
