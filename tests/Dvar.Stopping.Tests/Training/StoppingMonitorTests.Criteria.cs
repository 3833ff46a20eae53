using System.Text.Json.Nodes;
using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Training;

namespace Dvar.Stopping.Tests.Training;

/// <summary>The monitor around each real criterion of the library.</summary>
public sealed partial class StoppingMonitorTests
{
    public static TheoryData<string> CriterionKinds => ["dvar", "ema", "hall", "trend", "patience", "fixed", "anyOf", "minObservations"];

    [Theory]
    [MemberData(nameof(CriterionKinds))]
    public void Observe_RealCriterion_DecisionsEqualFeedingItDirectly(string kind)
    {
        var losses = SettlingLosses(1200, seed: 7);
        var direct = CreateCriterion(kind);
        var monitor = new StoppingMonitor(CreateCriterion(kind));

        var expected = losses.Select(direct.Observe).ToList();
        var actual = losses.Select((loss, i) => monitor.Observe(i + 1, 2 * loss, loss)).ToList();

        Assert.Equal(expected, actual);
        Assert.Equal(expected, monitor.History.Select(r => r.Decision));
        Assert.Equal(expected.FindIndex(d => d.ShouldStop) is var first and >= 0 ? first + 1 : null, monitor.StopStep);
    }

    [Theory]
    [MemberData(nameof(CriterionKinds))]
    public void RestoreState_RealCriterionMidRun_ContinuesAsUninterrupted(string kind)
    {
        var losses = SettlingLosses(1200, seed: 8);
        losses[900] = double.NaN;
        foreach (var cut in new[] { 0, 1, 150, 599, 1100 })
        {
            var uninterrupted = new StoppingMonitor(CreateCriterion(kind));
            var first = new StoppingMonitor(CreateCriterion(kind));
            for (var i = 0; i < cut; i++)
            {
                first.Observe(i, null, losses[i]);
            }

            var text = first.SaveState().ToJsonString();
            var resumed = new StoppingMonitor(CreateCriterion(kind));
            resumed.RestoreState(JsonNode.Parse(text)!.AsObject());
            for (var i = 0; i < losses.Length; i++)
            {
                var expected = uninterrupted.Observe(i, null, losses[i]);
                if (i >= cut)
                {
                    Assert.Equal(expected, resumed.Observe(i, null, losses[i]));
                }
            }

            AssertSameMonitorState(uninterrupted, resumed);
        }
    }

    [Fact]
    public void RestoreState_DifferentCriterionOptions_ThrowsAndKeepsTheMonitor()
    {
        var saved = new StoppingMonitor(new DvarCriterion(new DvarOptions { Window = 20 }));
        saved.Observe(1, null, 1);
        var target = new StoppingMonitor(new DvarCriterion(new DvarOptions { Window = 30 }));

        var e = Assert.Throws<FormatException>(() => target.RestoreState(saved.SaveState()));

        Assert.Contains("window", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(target.LastStep);
        Assert.Equal(0, target.Criterion.Observations);
    }

    private static IStoppingCriterion CreateCriterion(string kind) => kind switch
    {
        "dvar" => new DvarCriterion(new DvarOptions { Window = 120, Threshold = 0.15 }),
        "ema" => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 40, Threshold = 0.002 }),
        "hall" => new HallCriterion(new HallOptions { Window = 60, Threshold = 0.05 }),
        "trend" => new TrendCriterion(new TrendOptions { Window = 60, Threshold = 1e-5 }),
        "patience" => new PatienceCriterion(new PatienceOptions { Patience = 5, MinDelta = 0.001 }),
        "fixed" => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 700 }),
        "anyOf" => new AnyOfCriterion(
            new DvarCriterion(new DvarOptions { Window = 120, Threshold = 0.15 }),
            new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 1000 })),
        "minObservations" => new MinimumObservationsCriterion(new HallCriterion(new HallOptions { Window = 60, Threshold = 0.05 }), 800),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind"),
    };

    /// <summary>A noisy exponential decay that settles, as a deterministic loss does.</summary>
    private static double[] SettlingLosses(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => 0.1 + Math.Exp(-i / 150.0) + 0.01 * (random.NextDouble() - 0.5)).ToArray();
    }
}
