using Dvar.Cli.Replay;
using Dvar.Cli.Tests.Support;
using Dvar.Stopping;
using Dvar.Stopping.Criteria;

namespace Dvar.Cli.Tests.Replay;

public sealed class CriterionFactoryTests
{
    public static TheoryData<string, object, Func<IStoppingCriterion>> Equivalents => new()
    {
        { "dvar", new CriterionParameters(), () => new DvarCriterion(DvarOptions.TextualInversion) },
        { "dvar", new CriterionParameters(Window: 40), () => new DvarCriterion(new DvarOptions { Window = 40, Threshold = 0.15 }) },
        { "dvar", new CriterionParameters(Window: 30, Threshold: 0.4), () => new DvarCriterion(new DvarOptions { Window = 30, Threshold = 0.4 }) },
        { "ema", new CriterionParameters(Lag: 20, Threshold: 0.01), () => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 20, Threshold = 0.01, Smoothing = 0.1 }) },
        { "ema", new CriterionParameters(Lag: 5, Threshold: 0.02, Smoothing: 0.5), () => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = 5, Threshold = 0.02, Smoothing = 0.5 }) },
        { "hall", new CriterionParameters(Window: 25, Threshold: 0.05), () => new HallCriterion(new HallOptions { Window = 25, Threshold = 0.05 }) },
        { "trend", new CriterionParameters(Window: 25, Threshold: 1e-4), () => new TrendCriterion(new TrendOptions { Window = 25, Threshold = 1e-4 }) },
        { "patience", new CriterionParameters(Patience: 3), () => new PatienceCriterion(new PatienceOptions { Patience = 3, MinDelta = 0 }) },
        { "patience", new CriterionParameters(Patience: 2, MinDelta: 0.001), () => new PatienceCriterion(new PatienceOptions { Patience = 2, MinDelta = 0.001 }) },
        { "fixed", new CriterionParameters(Steps: 77), () => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 77 }) },
    };

    [Theory]
    [MemberData(nameof(Equivalents))]
    public void Create_Options_DecidesAsTheCriterionBuiltDirectly(string name, object parameters, Func<IStoppingCriterion> direct)
    {
        var built = CriterionFactory.Create(Kind(name), (CriterionParameters)parameters);
        var expected = direct();

        Assert.Equal(expected.Name, built.Name);
        Assert.Equal(name, built.Name);
        Assert.Equal(expected.SaveState().ToJsonString(), built.SaveState().ToJsonString());
        foreach (var value in Traces.Settling(600, seed: 3))
        {
            Assert.Equal(expected.Observe(value), built.Observe(value));
        }
    }

    public static TheoryData<string, object, string> Inapplicable => new()
    {
        { "dvar", new CriterionParameters(Lag: 3), "--lag" },
        { "dvar", new CriterionParameters(Steps: 3), "--steps" },
        { "ema", new CriterionParameters(Lag: 3, Threshold: 0.1, Window: 4), "--window" },
        { "hall", new CriterionParameters(Window: 3, Threshold: 0.1, Smoothing: 0.2), "--smoothing" },
        { "trend", new CriterionParameters(Window: 3, Threshold: 0.1, Patience: 2), "--patience" },
        { "patience", new CriterionParameters(Patience: 3, Threshold: 0.1), "--threshold" },
        { "fixed", new CriterionParameters(Steps: 3, MinDelta: 0.1), "--min-delta" },
    };

    [Theory]
    [MemberData(nameof(Inapplicable))]
    public void Create_InapplicableOption_ThrowsNamingIt(string name, object parameters, string option)
    {
        var e = Assert.Throws<UsageException>(() => CriterionFactory.Create(Kind(name), (CriterionParameters)parameters));
        Assert.Contains($"{option} does not apply to --criterion {name}", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, object, string> Missing => new()
    {
        { "ema", new CriterionParameters(Threshold: 0.1), "--lag" },
        { "ema", new CriterionParameters(Lag: 3), "--threshold" },
        { "hall", new CriterionParameters(Threshold: 0.1), "--window" },
        { "hall", new CriterionParameters(Window: 5), "--threshold" },
        { "trend", new CriterionParameters(), "--window, --threshold" },
        { "patience", new CriterionParameters(MinDelta: 0.1), "--patience" },
        { "fixed", new CriterionParameters(), "--steps" },
    };

    [Theory]
    [MemberData(nameof(Missing))]
    public void Create_MissingRequiredOption_ThrowsNamingIt(string name, object parameters, string missing)
    {
        var e = Assert.Throws<UsageException>(() => CriterionFactory.Create(Kind(name), (CriterionParameters)parameters));
        Assert.Contains($"missing: {missing}.", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, object, string> OutOfRange => new()
    {
        { "dvar", new CriterionParameters(Window: 1), "--window" },
        { "dvar", new CriterionParameters(Threshold: 1.5), "--threshold" },
        { "dvar", new CriterionParameters(Threshold: double.NaN), "--threshold" },
        { "ema", new CriterionParameters(Lag: 0, Threshold: 0.1), "--lag" },
        { "ema", new CriterionParameters(Lag: 2, Threshold: -0.1), "--threshold" },
        { "ema", new CriterionParameters(Lag: 2, Threshold: 0.1, Smoothing: 0), "--smoothing" },
        { "ema", new CriterionParameters(Lag: 2, Threshold: 0.1, Smoothing: 1.5), "--smoothing" },
        { "hall", new CriterionParameters(Window: 1, Threshold: 0.1), "--window" },
        { "hall", new CriterionParameters(Window: 4, Threshold: 0), "--threshold" },
        { "trend", new CriterionParameters(Window: 1, Threshold: 0.1), "--window" },
        { "trend", new CriterionParameters(Window: 4, Threshold: double.PositiveInfinity), "--threshold" },
        { "patience", new CriterionParameters(Patience: -1), "--patience" },
        { "patience", new CriterionParameters(Patience: 2, MinDelta: -0.5), "--min-delta" },
        { "fixed", new CriterionParameters(Steps: 0), "--steps" },
        { "dvar", new CriterionParameters(Window: int.MaxValue), "--window" },
        { "hall", new CriterionParameters(Window: 10_000_001, Threshold: 0.1), "--window" },
        { "trend", new CriterionParameters(Window: int.MaxValue, Threshold: 0.1), "--window" },
        { "ema", new CriterionParameters(Lag: int.MaxValue, Threshold: 0.1), "--lag" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Create_OutOfRangeValue_ThrowsNamingTheOption(string name, object parameters, string option)
    {
        var e = Assert.Throws<UsageException>(() => CriterionFactory.Create(Kind(name), (CriterionParameters)parameters));
        Assert.StartsWith($"{option} ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"--criterion {name}", e.Message, StringComparison.Ordinal);
        Assert.Contains("got ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("dvar", "--window")]
    [InlineData("hall", "--window")]
    [InlineData("trend", "--window")]
    [InlineData("ema", "--lag")]
    public void Create_SizeAboveTheBound_SaysTheBoundAndWhy(string name, string option)
    {
        var parameters = option == "--lag"
            ? new CriterionParameters(Lag: int.MaxValue, Threshold: 0.1)
            : new CriterionParameters(Window: int.MaxValue, Threshold: name == "dvar" ? null : 0.1);

        var e = Assert.Throws<UsageException>(() => CriterionFactory.Create(Kind(name), parameters));

        Assert.StartsWith($"{option} must be at most 10000000; got 2147483647: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("bytes per value, allocated up front", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, 440, 0.4)]
    [InlineData(60, null, 60, 0.4)]
    [InlineData(null, 0.2, 440, 0.2)]
    public void Create_DvarWithPresetDefaults_FillsWhatIsNotGivenFromThePreset(int? window, double? threshold, int expectedWindow, double expectedThreshold)
    {
        var built = CriterionFactory.Create(CriterionKind.Dvar, new CriterionParameters(Window: window, Threshold: threshold), DvarOptions.DreamBoothLora);

        var dvar = Assert.IsType<DvarCriterion>(built);
        Assert.Equal(new DvarOptions { Window = expectedWindow, Threshold = expectedThreshold }, dvar.Options);
    }

    private static CriterionKind Kind(string name) => Enum.Parse<CriterionKind>(name, ignoreCase: true);
}
