using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;

namespace Dvar.Stopping.Tests.Reference;

/// <summary>One factory per criterion kind (and a few compositions), with settings small enough that generated traces
/// of a few hundred values make them fire, for the tests every criterion must pass (stickiness, reset, non-finite
/// policies, save/restore).</summary>
internal static class CriterionCatalog
{
    public static readonly IReadOnlyDictionary<string, Func<NonFinitePolicy, IStoppingCriterion>> Factories =
        new Dictionary<string, Func<NonFinitePolicy, IStoppingCriterion>>
        {
            ["dvar"] = p => new DvarCriterion(new DvarOptions { Window = 20, Threshold = 0.3, NonFinite = p }),
            ["ema"] = p => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 5, Threshold = 0.01, NonFinite = p }),
            ["hall"] = p => new HallCriterion(new HallOptions { Window = 10, Threshold = 0.05, NonFinite = p }),
            ["trend"] = p => new TrendCriterion(new TrendOptions { Window = 10, Threshold = 0.01, NonFinite = p }),
            ["fixed"] = p => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 50, NonFinite = p }),
            ["patience"] = p => new PatienceCriterion(new PatienceOptions { Patience = 3, NonFinite = p }),
            ["anyOf"] = p => new AnyOfCriterion(Factories!["dvar"](p), Factories["patience"](p)),
            ["allOf"] = p => new AllOfCriterion(Factories!["hall"](p), Factories["fixed"](p)),
            ["minObservations"] = p => new MinimumObservationsCriterion(Factories!["ema"](p), 30),
            ["nested"] = p => new AnyOfCriterion(
                new AllOfCriterion(Factories!["dvar"](p), Factories["trend"](p)),
                new MinimumObservationsCriterion(new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 5, NonFinite = p }), 400)),
        };

    public static TheoryData<string> Kinds => [.. Factories.Keys];

    public static IStoppingCriterion Create(string kind, NonFinitePolicy policy = NonFinitePolicy.Stop) =>
        Factories[kind](policy);

    /// <summary>Picks a kind from an FsCheck-generated number.</summary>
    public static string KindAt(int seed) => Factories.Keys.ElementAt(Math.Abs(seed % Factories.Count));
}
