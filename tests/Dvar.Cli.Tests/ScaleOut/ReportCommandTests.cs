using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary><c>dvar report</c> on summaries and evaluations written here: rows, groups and their statistics, computed
/// again in the test from the same numbers.</summary>
public sealed class ReportCommandTests
{
    [Fact]
    public void Report_MergesSummariesAndEvaluationScores_IntoRunsAndGroupsWithMeanAndSampleStd()
    {
        using var folder = new TemporaryFolder();
        var runs = new (string Name, string Method, string Criterion, long Steps, double Seconds, double? Score)[]
        {
            ("a", "textual-inversion", "dvar", 120, 60, 0.61),
            ("b", "textual-inversion", "dvar", 180, 90, 0.67),
            ("c", "textual-inversion", "fixed", 500, 300, 0.70),
            ("d", "custom-diffusion", "dvar", 90, 30, null),
        };
        var rows = new JsonArray();
        foreach (var run in runs)
        {
            string output = folder.Combine("runs", run.Name);
            WriteSummary(output, run.Method, run.Criterion, run.Steps, run.Seconds);
            if (run.Score is { } score)
            {
                rows.Add(new JsonObject { ["name"] = run.Name, ["method"] = run.Method, ["trainClipImage"] = score, ["run"] = Path.GetFullPath(output) });
            }
        }

        Directory.CreateDirectory(folder.Combine("eval"));
        File.WriteAllText(folder.Combine("eval", "evaluation.json"), new JsonObject { ["clip"] = "clip", ["rows"] = rows }.ToJsonString());

        var json = CliRun.Of(["report", folder.Combine("runs"), folder.Combine("eval"), "--format", "json"]);
        var markdown = CliRun.Of(["report", folder.Combine("runs"), folder.Combine("eval")]);

        Assert.True(json.ExitCode == 0, json.Error);
        Assert.True(markdown.ExitCode == 0, markdown.Error);
        using var report = JsonDocument.Parse(json.Output);
        var reported = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(runs.Select(r => r.Steps), reported.Select(r => r.GetProperty("steps").GetInt64()));
        Assert.Equal(runs.Select(r => r.Seconds / 60), reported.Select(r => r.GetProperty("minutes").GetDouble()));
        Assert.Equal(runs.Select(r => r.Score), reported.Select(r => r.GetProperty("trainClipImage").ValueKind == JsonValueKind.Null ? (double?)null : r.GetProperty("trainClipImage").GetDouble()));

        var groups = report.RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["textual-inversion/dvar", "textual-inversion/fixed", "custom-diffusion/dvar"], groups.Select(g => $"{g.GetProperty("method").GetString()}/{g.GetProperty("criterion").GetString()}"));
        var dvar = groups[0];
        Assert.Equal(2, dvar.GetProperty("runs").GetInt32());
        Assert.Equal(150, dvar.GetProperty("steps").GetProperty("mean").GetDouble(), 9);
        Assert.Equal(Math.Sqrt((30.0 * 30 + 30.0 * 30) / 1), dvar.GetProperty("steps").GetProperty("std").GetDouble(), 9);
        Assert.Equal((0.61 + 0.67) / 2, dvar.GetProperty("trainClipImage").GetProperty("mean").GetDouble(), 9);
        Assert.Equal(0, groups[1].GetProperty("steps").GetProperty("std").GetDouble());
        Assert.Equal(JsonValueKind.Null, groups[2].GetProperty("trainClipImage").ValueKind);

        string[] lines = markdown.Output.Split('\n');
        Assert.All(runs, r => Assert.Single(lines, l => l.StartsWith("| ", StringComparison.Ordinal)
            && l.Contains($"{Path.DirectorySeparatorChar}{r.Name} | {r.Method} | {r.Criterion} | criterionFired | {r.Steps} |", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("| textual-inversion | dvar | 2 | 150.0 ± 42.4 |", StringComparison.Ordinal));
    }

    [Fact]
    public void Report_OfAMissingFolder_IsAnInputDataError()
    {
        using var folder = new TemporaryFolder();

        CliRun.Of(["report", folder.Combine("nothing")]).AssertFails(ExitCodes.InputData, "nothing", "does not exist");
    }

    [Fact]
    public void Report_OfAFolderWithoutResults_IsAnInputDataError()
    {
        using var folder = new TemporaryFolder();

        CliRun.Of(["report", folder.Path]).AssertFails(ExitCodes.InputData, "training-summary.json", "evaluation.json");
    }

    [Fact]
    public void Report_OfABrokenSummary_NamesTheFile()
    {
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.Combine("run"));
        File.WriteAllText(folder.Combine("run", "training-summary.json"), "{\"method\": ");

        CliRun.Of(["report", folder.Path]).AssertFails(ExitCodes.InputData, Path.Combine("run", "training-summary.json"));
    }

    private static void WriteSummary(string folder, string method, string criterion, long steps, double seconds)
    {
        Directory.CreateDirectory(folder);
        var summary = new JsonObject
        {
            ["format"] = "dvar-stopping/training-summary",
            ["method"] = method,
            ["stepsTrained"] = steps,
            ["stopReason"] = "criterionFired",
            ["criterion"] = new JsonObject { ["name"] = criterion },
            ["run"] = new JsonObject { ["EvaluationFrequency"] = "1" },
            ["trainingSeconds"] = seconds / 2,
            ["evaluationSeconds"] = seconds / 2,
            ["scoringSeconds"] = 0,
            ["savedStep"] = steps,
        };
        File.WriteAllText(Path.Combine(folder, "training-summary.json"), summary.ToJsonString());
    }
}
