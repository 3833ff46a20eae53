using Dvar.Cli.Plotting;
using Dvar.Cli.Tests.Plotting;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

public sealed class PlotCommandTests
{
    [Fact]
    public void Plot_History_WritesThePngNextToItAndPrintsItsPath()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("run", "history.csv"), 120);

        var run = CliRun.Of(["plot", history]);

        Assert.True(run.ExitCode == 0, run.Error);
        string expected = Path.GetFullPath(folder.Combine("run", "history.png"));
        Assert.Equal(expected + Environment.NewLine, run.Output);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(TrainingPlotData.DefaultWidth, PngHeader.Size(expected).Width);
        Assert.Equal(["history.csv", "history.png"], Directory.GetFiles(folder.Combine("run")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Plot_ScoresNextToTheHistory_AreUsedAndAddAPanel()
    {
        using var folder = new TemporaryFolder();
        string alone = PlotFiles.History(folder.Combine("alone", "history.csv"), 120);
        string scored = PlotFiles.History(folder.Combine("scored", "history.csv"), 120);
        PlotFiles.Scores(folder.Combine("scored", "scores.csv"), 120);

        var first = CliRun.Of(["plot", alone, "--out", folder.Combine("alone.png")]);
        var second = CliRun.Of(["plot", scored, "--out", folder.Combine("scored.png")]);

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        var (widthAlone, heightAlone) = PngHeader.Size(folder.Combine("alone.png"));
        var (widthScored, heightScored) = PngHeader.Size(folder.Combine("scored.png"));
        Assert.Equal(widthAlone, widthScored);
        Assert.Equal(heightAlone + TrainingPlotData.DefaultPanelHeight, heightScored);
    }

    [Fact]
    public void Plot_ExplicitScores_AreUsedWhereverTheyAre()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 100);
        string scores = PlotFiles.Scores(folder.Combine("elsewhere.csv"), 100, validation: false);

        var without = CliRun.Of(["plot", history, "--out", folder.Combine("a.png")]);
        var with = CliRun.Of(["plot", history, "--scores", scores, "--out", folder.Combine("b.png")]);

        Assert.Equal((0, 0), (without.ExitCode, with.ExitCode));
        Assert.True(PngHeader.Size(folder.Combine("b.png")).Height > PngHeader.Size(folder.Combine("a.png")).Height);
    }

    [Fact]
    public void Plot_WindowAndThreshold_AddTheRatioPanelToAHistoryWithoutStatistic()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.HistoryWithoutStatistic(folder.Combine("history.csv"), 100);

        var plain = CliRun.Of(["plot", history, "--out", folder.Combine("plain.png")]);
        var threshold = CliRun.Of(["plot", history, "--threshold", "0.15", "--out", folder.Combine("threshold.png")]);
        var ratio = CliRun.Of(["plot", history, "--window", "20", "--threshold", "0.15", "--out", folder.Combine("ratio.png")]);

        Assert.Equal((0, 0, 0), (plain.ExitCode, threshold.ExitCode, ratio.ExitCode));
        int plainHeight = PngHeader.Size(folder.Combine("plain.png")).Height;
        Assert.Equal(plainHeight, PngHeader.Size(folder.Combine("threshold.png")).Height);
        Assert.Equal(plainHeight + TrainingPlotData.DefaultPanelHeight, PngHeader.Size(folder.Combine("ratio.png")).Height);
    }

    [Fact]
    public void Plot_MarkersTitleAndMovingAverage_ChangeTheImage()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 150);

        var runs = new[]
        {
            CliRun.Of(["plot", history, "--out", folder.Combine("0.png")]),
            CliRun.Of(["plot", history, "--marker", "60=DVAR stop 60", "--marker", "149=budget", "--out", folder.Combine("1.png")]),
            CliRun.Of(["plot", history, "--title", "cat toy", "--out", folder.Combine("2.png")]),
            CliRun.Of(["plot", history, "--moving-average", "5", "--out", folder.Combine("3.png")]),
        };

        Assert.All(runs, run => Assert.True(run.ExitCode == 0, run.Error));
        var images = Enumerable.Range(0, runs.Length).Select(i => File.ReadAllBytes(folder.Combine($"{i}.png"))).ToList();
        for (int i = 1; i < images.Count; i++)
        {
            Assert.NotEqual(images[0], images[i]);
        }
    }

    [Fact]
    public void Plot_MalformedHistory_ExitsWith3NamingTheLine()
    {
        using var folder = new TemporaryFolder();
        string history = folder.Combine("history.csv");
        File.WriteAllText(history, "step,train_loss,det_loss,statistic,stop\n0,,1.5,,0\n1,0.9,1.4,,0\n2,0.8,1.x,,0\n");

        var run = CliRun.Of(["plot", history]);

        run.AssertFails(ExitCodes.InputData, "dvar plot: ", history, "line 4", "det_loss", "1.x");
        Assert.False(File.Exists(folder.Combine("history.png")));
    }

    [Fact]
    public void Plot_MalformedScores_ExitsWith3NamingTheScoresFile()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 50);
        File.WriteAllText(folder.Combine("scores.csv"), "step,train_img,val_img,val_txt\n0,0.5,,\n10,0.6\n");

        var run = CliRun.Of(["plot", history]);

        run.AssertFails(ExitCodes.InputData, "scores.csv", "line 3", "has 2 cells");
    }

    [Fact]
    public void Plot_MissingFileFolderOrEmptyHistory_ExitsWith3()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.Combine("empty.csv"), "step,train_loss,det_loss,statistic,stop\n");
        File.WriteAllText(folder.Combine("blank.csv"), "step,train_loss,det_loss,statistic,stop\n0,,,,0\n1,NaN,,,0\n");

        CliRun.Of(["plot", folder.Combine("missing.csv")]).AssertFails(ExitCodes.InputData, "missing.csv", "does not exist");
        CliRun.Of(["plot", folder.Path]).AssertFails(ExitCodes.InputData, "is a folder");
        CliRun.Of(["plot", folder.Combine("empty.csv")]).AssertFails(ExitCodes.InputData, "empty.csv", "no rows");
        CliRun.Of(["plot", folder.Combine("blank.csv")]).AssertFails(ExitCodes.InputData, "blank.csv", "nothing to plot");
        string history = PlotFiles.History(folder.Combine("history.csv"), 30);
        CliRun.Of(["plot", history, "--scores", folder.Combine("nope.csv")]).AssertFails(ExitCodes.InputData, "nope.csv", "does not exist");
    }

    [Theory]
    [InlineData(new[] { "--moving-average", "0" }, "--moving-average must be at least 1; got 0")]
    [InlineData(new[] { "--moving-average", "x" }, "--moving-average must be an integer; got 'x'")]
    [InlineData(new[] { "--window", "20" }, "--window needs --threshold")]
    [InlineData(new[] { "--window", "1", "--threshold", "0.1" }, "--window must be at least 2; got 1")]
    [InlineData(new[] { "--window", "2147483647", "--threshold", "0.1" }, "--window must be at most 10000000; got 2147483647")]
    [InlineData(new[] { "--threshold", "1.5" }, "--threshold must be in the open interval (0, 1); got 1.5")]
    [InlineData(new[] { "--marker", "abc" }, "--marker must be STEP=LABEL")]
    [InlineData(new[] { "--marker", "500=budget 500" }, "--marker: the marker at step 500 (\"budget 500\") lies outside the plotted steps, 0 to 39")]
    [InlineData(new[] { "--colour", "red" }, "--colour")]
    public void Plot_BadOption_ExitsWith2NamingIt(string[] options, string fragment)
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 40);

        var run = CliRun.Of(["plot", history, .. options]);

        run.AssertFails(ExitCodes.Usage, "dvar plot: ", fragment);
        Assert.False(File.Exists(folder.Combine("history.png")));
    }

    [Fact]
    public void Plot_BadOption_IsReportedBeforeTheFileIsRead()
    {
        CliRun.Of(["plot", "missing.csv", "--moving-average", "-3"]).AssertFails(ExitCodes.Usage, "--moving-average");
    }

    [Fact]
    public void Plot_OutIntoANewFolder_CreatesIt()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 40);
        string output = folder.Combine("figures", "run 1", "plot.png");

        var run = CliRun.Of(["plot", history, "--out", output]);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(Path.GetFullPath(output), run.Output.TrimEnd());
        Assert.Equal(TrainingPlotData.DefaultWidth, PngHeader.Size(output).Width);
    }

    [Fact]
    public void Plot_OutIsAFolder_ExitsWith3()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 40);

        CliRun.Of(["plot", history, "--out", folder.Path]).AssertFails(ExitCodes.InputData, "--out", "is a folder");
    }

    [Fact]
    public void Plot_Help_ListsTheOptions()
    {
        var run = CliRun.Of(["plot", "--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (string option in new[] { "HISTORY", "--scores", "--window", "--threshold", "--moving-average", "--marker", "--title", "--out" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Plot_Run_NeverLoadsTorchSharp()
    {
        using var folder = new TemporaryFolder();
        string history = PlotFiles.History(folder.Combine("history.csv"), 40);

        var (exitCode, loaded) = IsolatedCli.Run(["plot", history, "--window", "10", "--threshold", "0.2"]);

        Assert.Equal(0, exitCode);
        Assert.Contains("ScottPlot", loaded);
        Assert.DoesNotContain(loaded, name => name is "TorchSharp" or "Dvar.Stopping.TorchSharp");
        Assert.True(File.Exists(folder.Combine("history.png")));
    }
}
