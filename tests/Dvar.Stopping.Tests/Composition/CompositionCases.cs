using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;

namespace Dvar.Stopping.Tests.Composition;

/// <summary>Children for the composition properties: leaf criteria with settings drawn from FsCheck numbers.</summary>
internal static class CompositionCases
{
    private static readonly Func<int, IStoppingCriterion>[] Makers =
    [
        s => new DvarCriterion(new DvarOptions { Window = 2 + (s % 30), Threshold = 0.3 }),
        s => new HallCriterion(new HallOptions { Window = 2 + (s % 20), Threshold = 0.05 }),
        s => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 1 + (s % 300) }),
        s => new PatienceCriterion(new PatienceOptions { Patience = s % 8 }),
        s => new TrendCriterion(new TrendOptions { Window = 2 + (s % 20), Threshold = 0.01 }),
        s => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 1 + (s % 10), Threshold = 0.01 }),
    ];

    /// <summary>A factory of fresh copies of one leaf criterion picked by <paramref name="seed"/>.</summary>
    public static Func<IStoppingCriterion> Child(int seed)
    {
        int s = Math.Abs(seed);
        return () => Makers[s % Makers.Length](s / Makers.Length);
    }

    /// <summary>The observation at which a fresh copy fires on <paramref name="values"/>, or null.</summary>
    public static long? FireIndex(Func<IStoppingCriterion> make, double[] values) => Traces.FirstStop(Traces.Run(make(), values));
}
