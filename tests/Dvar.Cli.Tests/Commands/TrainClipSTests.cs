using System.Globalization;
using System.Text.Json;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar train --criterion clip-s</c> and <c>--clip --score-every</c> on the tiny pipeline and tiny CLIP.</summary>
public sealed class TrainClipSTests
{
    [Theory]
    [InlineData("1", "0")]
    [InlineData("2", "0.001")]
    [InlineData("0", "0")]
    public void Train_ClipS_StopsWherePatienceOverTheLoggedScoresSays(string patience, string minDelta)
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args(
            "textual-inversion", "--max-steps", "16", "--criterion", "clip-s", "--clip", FixturePaths.ClipTiny,
            "--score-every", "2", "--score-steps", "2", "--patience", patience, "--min-delta", minDelta, "--format", "json"));

        run.AssertSucceeded();
        var scores = ReadScores(Path.Combine(training.Output, "scores.csv"));
        var (stop, best) = NaivePatience(scores, int.Parse(patience, CultureInfo.InvariantCulture), double.Parse(minDelta, CultureInfo.InvariantCulture));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        var root = summary.RootElement;
        Assert.Equal(stop ?? 16, root.GetProperty("stepsTrained").GetInt64());
        Assert.Equal(stop is null ? "StepCap" : "ScoreCriterionFired", root.GetProperty("stopReason").GetString());
        Assert.Equal(best, root.GetProperty("scoring").GetProperty("bestStep").GetInt64());
        Assert.Equal(best, root.GetProperty("savedStep").GetInt64());
        // CLIP-s evaluates no L_det: the paper charges it only the sampling.
        Assert.Equal(0, root.GetProperty("evaluationSeconds").GetDouble());
        Assert.All(scores, s => Assert.InRange(s.Score, -1.0, 1.0));
    }

    [Fact]
    public void Train_ScoreEveryWithDvar_LogsScoresWithoutStoppingOnThem()
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", "--max-steps", "6", "--clip", FixturePaths.ClipTiny, "--score-every", "3", "--score-steps", "2")).AssertSucceeded();

        var scores = ReadScores(Path.Combine(training.Output, "scores.csv"));
        Assert.Equal([0L, 3L, 6L], scores.Select(s => s.Step));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        Assert.NotEqual("ScoreCriterionFired", summary.RootElement.GetProperty("stopReason").GetString());
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("scoring").GetProperty("criterion").ValueKind);
    }

    [Fact]
    public void Train_ClipSWithoutClip_IsAUsageError()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--criterion", "clip-s")).AssertFails(ExitCodes.Usage, "--criterion clip-s needs --clip DIR");
    }

    [Fact]
    public void Train_ScoreEveryWithoutClip_IsAUsageError()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--score-every", "5")).AssertFails(ExitCodes.Usage, "apply only with --clip DIR");
    }

    [Fact]
    public void Train_ClipSWithAWindow_SaysWhatItTakes()
    {
        using var training = new TinyTraining();
        CliRun.Of(training.Args("textual-inversion", "--criterion", "clip-s", "--clip", FixturePaths.ClipTiny, "--window", "5"))
            .AssertFails(ExitCodes.Usage, "--window does not apply to --criterion clip-s", "--patience, --min-delta");
    }

    [Fact]
    public void Replay_ClipS_IsNotAChoice()
    {
        var run = CliRun.Of(["replay", "-", "--criterion", "clip-s"], "1\n2\n");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("clip-s", run.Error, StringComparison.Ordinal);
    }

    /// <summary>The authors' <c>ClipEarlyStopper</c> written out: the first score is the best; a later one improves when it
    /// exceeds best + ε; the run stops at the (patience + 1)-th miss in a row. Also the step of the best score.</summary>
    private static (long? Stop, long Best) NaivePatience(IReadOnlyList<(long Step, double Score)> scores, int patience, double minDelta)
    {
        double best = scores[0].Score;
        long bestStep = scores[0].Step;
        double top = scores[0].Score;
        int misses = 0;
        foreach (var (step, score) in scores.Skip(1))
        {
            if (score > top)
            {
                top = score;
                bestStep = step;
            }

            if (score > best + minDelta)
            {
                best = score;
                misses = 0;
            }
            else if (++misses > patience)
            {
                return (step, bestStep);
            }
        }

        return (null, bestStep);
    }

    private static List<(long Step, double Score)> ReadScores(string path) =>
        [.. File.ReadAllLines(path).Skip(1).Select(line => line.Split(','))
            .Select(cells => (long.Parse(cells[0], CultureInfo.InvariantCulture), double.Parse(cells[1], CultureInfo.InvariantCulture)))];
}
