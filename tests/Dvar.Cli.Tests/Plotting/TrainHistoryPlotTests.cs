using System.Text.Json;
using Dvar.Cli.Plotting;
using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests.Plotting;

/// <summary><c>dvar train</c> draws history.png at the end of a run (loads libtorch: a tiny run on the fixture pipeline).</summary>
public sealed class TrainHistoryPlotTests
{
    [Fact]
    public void Train_WritesHistoryPngNextToTheHistoryAndReportsIt()
    {
        using var training = new TinyTraining();

        var json = CliRun.Of(training.Args("textual-inversion", "--max-steps", "5", "--window", "3", "--format", "json"));

        Assert.True(json.ExitCode == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        string history = document.RootElement.GetProperty("history").GetString()!;
        string plot = document.RootElement.GetProperty("plot").GetString()!;
        Assert.Equal(Path.Combine(Path.GetDirectoryName(history)!, "history.png"), plot);
        var (width, height) = PngHeader.Size(plot);
        Assert.Equal(TrainingPlotData.DefaultWidth, width);
        Assert.True(height >= 2 * TrainingPlotData.DefaultPanelHeight, $"height {height}: expected the loss panels");
        Assert.DoesNotContain("warning", json.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_TextSummary_ListsThePlot()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "2"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"  plot: {Path.Combine(Path.GetFullPath(training.Output), "history.png")}\n", run.Output, StringComparison.Ordinal);
    }
}
