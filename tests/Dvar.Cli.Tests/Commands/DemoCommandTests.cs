using System.Globalization;
using System.Text.Json;
using Dvar.Cli.Demo;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar demo</c> on the shipped toy pipeline: a shortened run (one method, one concept, a short budget) checked
/// against its own files with independent arithmetic, and the usage errors.</summary>
public sealed class DemoCommandTests : IClassFixture<DemoCommandTests.ShortDemo>
{
    // Long enough for DVAR (N = 100) to fire on the first concept, short enough for CI (about a minute).
    private const int Budget = 260;
    private readonly ShortDemo _demo;

    public DemoCommandTests(ShortDemo demo)
    {
        _demo = demo;
    }

    [Fact]
    public void ShortRun_WritesPhotosFiguresGridsAndASummaryThatParses()
    {
        Assert.True(_demo.ExitCode == 0, _demo.Error);
        using var stdout = JsonDocument.Parse(_demo.Output);
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));
        Assert.Equal("dvar-stopping/demo-summary", file.RootElement.GetProperty("format").GetString());
        Assert.True(JsonElement.DeepEquals(stdout.RootElement.GetProperty("table"), file.RootElement.GetProperty("table")), "The printed table differs from summary.json's.");
        string markdown = File.ReadAllText(_demo.Out("summary.md"));
        Assert.Contains("| textual-inversion | DVAR |", markdown, StringComparison.Ordinal);
        // The note under the table states the final measurement's sample counts as configured (it once kept stale ones).
        var final = Dvar.Demo.Metric.DemoQualityOptions.Final;
        Assert.Contains($"{final.TrainSamples} training-prompt samples and {final.SamplesPerValidationPrompt} of each of the {final.ValidationTemplates.Count} validation prompts", markdown, StringComparison.Ordinal);

        Assert.Equal(5, Directory.GetFiles(_demo.Out("concepts", "purple-triangle"), "photo-*.png").Length);
        var job = Assert.Single(file.RootElement.GetProperty("jobs").EnumerateArray());
        foreach (var figure in new[] { job.GetProperty("figure").GetString()!, job.GetProperty("samples").GetString()!, file.RootElement.GetProperty("trainLossOverlay").GetString()! })
        {
            var (width, height) = PngHeader.Size(_demo.Out(figure));
            Assert.True(width > 100 && height > 100, $"{figure} is {width}x{height}");
        }

        var table = file.RootElement.GetProperty("table").EnumerateArray().ToList();
        Assert.Equal(["budget", "clip-s", "dvar"], table.Select(r => r.GetProperty("criterion").GetString()));
        Assert.All(table, row => Assert.InRange(row.GetProperty("trainImage").GetProperty("mean").GetDouble(), -1, 1));
        Assert.All(table, row => Assert.InRange(row.GetProperty("conceptAccuracy").GetProperty("mean").GetDouble(), 0, 1));
    }

    [Fact]
    public void ShortRun_EachRunsSummaryAgreesWithItsTrainingSummary()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));
        var job = Assert.Single(file.RootElement.GetProperty("jobs").EnumerateArray());
        foreach (var kind in new[] { "budget", "clip-s", "dvar" })
        {
            var run = job.GetProperty("runs").GetProperty(kind);
            using var training = JsonDocument.Parse(File.ReadAllText(_demo.Out(run.GetProperty("folder").GetString()!, "training-summary.json")));
            Assert.Equal(training.RootElement.GetProperty("stepsTrained").GetInt64(), run.GetProperty("steps").GetInt64());
            Assert.Equal(training.RootElement.GetProperty("savedStep").GetInt64(), run.GetProperty("savedStep").GetInt64());
            Assert.InRange(run.GetProperty("steps").GetInt64(), 1, Budget);
            double wall = run.GetProperty("wallSeconds").GetDouble();
            double charged = run.GetProperty("chargedSeconds").GetDouble();
            double expected = kind == "budget"
                ? wall - run.GetProperty("evaluationSeconds").GetDouble()
                : wall;
            Assert.Equal(expected, charged, 1e-9);
            Assert.True(run.GetProperty("trainingSeconds").GetDouble() <= wall, kind);
        }

        Assert.Equal(Budget, job.GetProperty("runs").GetProperty("budget").GetProperty("steps").GetInt64());
        Assert.Equal(0, job.GetProperty("runs").GetProperty("clip-s").GetProperty("evaluationSeconds").GetDouble());
        Assert.Equal(0, job.GetProperty("runs").GetProperty("dvar").GetProperty("scoringSeconds").GetDouble());
    }

    [Fact]
    public void ShortRun_DvarStopIsWhereTheNaiveRuleStopsOnTheBudgetRunsDeterministicLoss()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));
        var job = Assert.Single(file.RootElement.GetProperty("jobs").EnumerateArray());
        var recipe = file.RootElement.GetProperty("settings").GetProperty("recipes").GetProperty("textual-inversion");
        int window = recipe.GetProperty("dvarWindow").GetInt32();
        double alpha = recipe.GetProperty("dvarThreshold").GetDouble();
        var history = HistoryCsv.Read(_demo.Out(job.GetProperty("runs").GetProperty("budget").GetProperty("folder").GetString()!, "history.csv"));
        var losses = history.Select(h => h.DeterministicLoss).ToList();

        // The first k >= N with Var(last N) / Var(all k) < α (population variances) is observation k, step k - 1.
        int? stop = Enumerable.Range(window, Math.Max(0, losses.Count - window + 1))
            .Where(k => Variance(losses.Skip(k - window).Take(window)) / Variance(losses.Take(k)) < alpha)
            .Select(k => (int?)(k - 1))
            .FirstOrDefault();

        Assert.Equal((long?)stop ?? Budget, job.GetProperty("runs").GetProperty("dvar").GetProperty("steps").GetInt64());
        Assert.NotNull(stop); // the budget leaves DVAR room to fire, so the rule is exercised, not only the cap
        Assert.True(file.RootElement.GetProperty("checks").GetProperty("dvarReplayMatches").GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void ShortRun_TrainLossCorrelationIsThePearsonCorrelationOfTheBudgetRunsHistory()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));
        var job = Assert.Single(file.RootElement.GetProperty("jobs").EnumerateArray());
        string history = _demo.Out(job.GetProperty("runs").GetProperty("budget").GetProperty("folder").GetString()!, "history.csv");
        var rows = File.ReadAllLines(history).Skip(2).Select(l => l.Split(',')).ToList(); // step 0 has no training loss
        var steps = rows.Select(r => double.Parse(r[0], CultureInfo.InvariantCulture)).ToList();
        var losses = rows.Select(r => double.Parse(r[1], CultureInfo.InvariantCulture)).ToList();

        Assert.Equal(Pearson(steps, losses), job.GetProperty("trainLossStepCorrelation").GetDouble(), 1e-9);
        Assert.Equal(Budget, losses.Count);
    }

    /// <summary>The demo's claims that a 260-step run can show: L_det follows quality, DVAR keeps the quality and the concept,
    /// and the DVAR run retraces the budget run. (The train loss's correlation with the step needs the full budget to be
    /// below 0.1 — its noise alone is about 1/√steps — and the stop fraction and the speed-up are about the full budget.)</summary>
    [Theory]
    [InlineData("detLossInformative")]
    [InlineData("dvarKeepsQuality")]
    [InlineData("conceptLearned")]
    [InlineData("dvarReplayMatches")]
    public void ShortRun_ClaimThatDoesNotNeedTheFullBudget_Holds(string check)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));

        var result = file.RootElement.GetProperty("checks").GetProperty(check);

        Assert.True(result.GetProperty("passed").GetBoolean(), $"{result.GetProperty("claim").GetString()}: {result.GetProperty("value")}");
    }

    [Fact]
    public void ShortRun_SummaryPointsToTheDocsExactlyWhenAClaimFails()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(_demo.Out("summary.json")));
        var failed = file.RootElement.GetProperty("checks").EnumerateObject().Where(c => !c.Value.GetProperty("passed").GetBoolean()).ToList();
        var passing = new DemoCheck("a", "a claim", 1, new Dictionary<string, double>(), Passed: true);
        var failing = passing with { Passed = false };

        // 260 steps cannot show the full-budget claims (the stop fraction, the speed-up), so the short run has failures.
        Assert.NotEmpty(failed);
        Assert.Contains(DemoSummaryWriter.FailedChecksNote, File.ReadAllText(_demo.Out("summary.md")), StringComparison.Ordinal);
        Assert.DoesNotContain(DemoSummaryWriter.FailedChecksNote, DemoSummaryWriter.Checks([passing, passing]), StringComparison.Ordinal);
        Assert.Contains(DemoSummaryWriter.FailedChecksNote, DemoSummaryWriter.Checks([passing, failing]), StringComparison.Ordinal);
        Assert.Contains("## What the toy shows, and what it does not", File.ReadAllText(Path.Combine(FixturePaths.Root, "..", "..", "docs", "demo.md")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--concepts", "4" }, 2, "--concepts")]
    [InlineData(new[] { "--concepts", "0" }, 2, "--concepts")]
    [InlineData(new[] { "--budget", "0" }, 2, "--budget")]
    [InlineData(new[] { "--workers", "0" }, 2, "--workers")]
    [InlineData(new[] { "--method", "dreambooth" }, 2, "--method")]
    public void BadOption_FailsWithUsageNamingTheOption(string[] options, int exitCode, string named)
    {
        using var folder = new TemporaryFolder();

        var run = CliRun.Of(["demo", "--out", folder.Combine("out"), .. options]);

        run.AssertFails(exitCode, named);
    }

    [Fact]
    public void MissingAssets_FailsWithInputDataNamingTheFolder()
    {
        using var folder = new TemporaryFolder();

        var run = CliRun.Of(["demo", "--out", folder.Combine("out"), "--assets", folder.Combine("nowhere")]);

        run.AssertFails(3, folder.Combine("nowhere", "toy-pipeline"));
    }

    [Fact]
    public void OutIsAFile_FailsWithInputData()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.Combine("file"), "x");

        var run = CliRun.Of(["demo", "--out", folder.Combine("file")]);

        run.AssertFails(3, "--out");
    }

    private static double Variance(IEnumerable<double> values)
    {
        var list = values.ToList();
        double mean = list.Average();
        return list.Sum(v => (v - mean) * (v - mean)) / list.Count;
    }

    private static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }

    /// <summary>One shortened demo shared by the tests: Textual Inversion of the first concept, a 100-step budget.</summary>
    public sealed class ShortDemo : IDisposable
    {
        private readonly TemporaryFolder _folder = new();

        public ShortDemo()
        {
            var run = CliRun.Of(["demo", "--method", "textual-inversion", "--concepts", "1", "--budget", Budget.ToString(CultureInfo.InvariantCulture), "--workers", "1", "--out", _folder.Combine("out"), "--format", "json"]);
            (ExitCode, Output, Error) = (run.ExitCode, run.Output, run.Error);
        }

        public int ExitCode { get; }

        public string Output { get; }

        public string Error { get; }

        /// <summary>A path inside the demo's output folder.</summary>
        public string Out(params string[] parts) => _folder.Combine(["out", .. parts]);

        public void Dispose() => _folder.Dispose();
    }
}
