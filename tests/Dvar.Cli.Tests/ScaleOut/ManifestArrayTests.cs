using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary>Issue 12: a 4-entry manifest run as 4 array tasks, 2 at a time, each told its index by the environment as a
/// Kubernetes Indexed Job does; one is preempted (SIGTERM) and restarted; <c>dvar report</c> then merges the 4 runs.</summary>
public sealed class ManifestArrayTests
{
    [Fact]
    public void FourTasks_TwoAtATime_OnePreemptedAndRestarted_ThenReportHasFourRows()
    {
        using var folder = new TemporaryFolder();
        string images = ConceptFolder.Write(folder.Combine("images"));
        string manifest = folder.Combine("concepts.jsonl");
        string Out(int i) => folder.Combine("runs", $"concept-{i}");
        string[] entries =
        [
            Entry("textual-inversion", images, "<a>", Out(0), new JsonObject { ["init-token"] = "toy", ["max-steps"] = 4, ["window"] = 3 }),
            Entry("textual-inversion", images, "<b>", Out(1), new JsonObject { ["init-token"] = "toy", ["max-steps"] = 30, ["window"] = 50 }),
            Entry("textual-inversion", images, "<c>", Out(2), new JsonObject { ["init-token"] = "toy", ["max-steps"] = 4, ["eval-every"] = 0 }),
            Entry("custom-diffusion", images, "<d>", Out(3), new JsonObject { ["max-steps"] = 3, ["window"] = 2, ["recipe"] = "diffusers" }),
        ];
        File.WriteAllText(manifest, string.Join('\n', entries) + "\n\n");
        string[] args = ["train", "--manifest", manifest, "--model", FixturePaths.SdTiny, "--threads", "1", "--eval-batch-size", "2", "--progress-every", "1", "--resume", "auto"];

        // Wave 1: tasks 0 and 1; task 1 is preempted after its second step.
        using (var task0 = Task(0, args))
        using (var task1 = Task(1, args))
        {
            task1.WaitForErrorLine(line => line.StartsWith("step 2/", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            task1.Terminate();
            AssertExit(ExitCodes.Terminated, task1);
            AssertExit(0, task0);
        }

        Assert.False(File.Exists(Path.Combine(Out(1), "training-summary.json")));

        // Wave 2: task 2 and the restart of task 1 (same command line, same index); wave 3: task 3.
        using (var task2 = Task(2, args))
        using (var restarted = Task(1, args))
        {
            AssertExit(0, task2);
            AssertExit(0, restarted);
        }

        using (var task3 = Task(3, args))
        {
            AssertExit(0, task3);
        }

        var markdown = CliRun.Of(["report", folder.Combine("runs")]);
        var json = CliRun.Of(["report", folder.Combine("runs"), "--format", "json"]);

        Assert.True(markdown.ExitCode == 0, markdown.Error);
        Assert.True(json.ExitCode == 0, json.Error);
        string[] runRows = [.. markdown.Output.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains("concept-", StringComparison.Ordinal))];
        Assert.Equal(4, runRows.Length);
        using var report = JsonDocument.Parse(json.Output);
        var runs = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 4).Select(i => Path.GetFullPath(Out(i))), runs.Select(r => r.GetProperty("folder").GetString()));
        for (int i = 0; i < 4; i++)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out(i), "training-summary.json")));
            Assert.Equal(summary.RootElement.GetProperty("stepsTrained").GetInt64(), runs[i].GetProperty("steps").GetInt64());
            Assert.Equal(summary.RootElement.GetProperty("method").GetString(), runs[i].GetProperty("method").GetString());
            Assert.Contains($"| {runs[i].GetProperty("run").GetString()} | {runs[i].GetProperty("method").GetString()} |", runRows[i], StringComparison.Ordinal);
        }

        Assert.Equal(30, runs[1].GetProperty("steps").GetInt64()); // the preempted task finished its cap after the restart
        Assert.Equal("none (step cap)", runs[2].GetProperty("criterion").GetString());
        int groupRuns = report.RootElement.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("runs").GetInt32());
        Assert.Equal(4, groupRuns);
    }

    private static string Entry(string method, string images, string token, string output, JsonObject options) =>
        new JsonObject { ["method"] = method, ["images"] = images, ["token"] = token, ["out"] = output, ["options"] = options }.ToJsonString();

    private static ChildDvar Task(int index, string[] args) =>
        new(new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(CultureInfo.InvariantCulture) }, args);

    private static void AssertExit(int expected, ChildDvar task)
    {
        var (exitCode, _, error) = task.WaitForExit(TimeSpan.FromMinutes(3));
        Assert.True(exitCode == expected, $"exit code {exitCode}, expected {expected}: {error}");
    }
}
