using Dvar.Cli.Plotting;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Plotting;

public sealed class OverlayPlotTests
{
    private static readonly OverlayRun[] Runs =
    [
        new("cat-toy", Rows(200, seed: 1, scale: 1.0)),
        new("dog", Rows(150, seed: 2, scale: 3.0)),
        new("sunset", Rows(250, seed: 3, scale: 0.5)),
    ];

    [Fact]
    public void RenderPng_IsAPngOfTheRequestedSize()
    {
        byte[] png = OverlayPlot.RenderPng(new OverlayPlotData { Title = "overlay", Runs = Runs, Width = 720, Height = 400 });

        using var image = PlotFiles.Decode(png);
        Assert.Equal((720, 400), (image.Width, image.Height));
    }

    [Fact]
    public void TrainLossCurves_AreEachRunsTrailingMeanNamedAfterTheRun()
    {
        var data = new OverlayPlotData { Runs = Runs, MovingAverageWindow = 9 };

        var curves = OverlayPlot.TrainLossCurves(data);

        Assert.Equal(["cat-toy", "dog", "sunset"], curves.Select(c => c.Name));
        for (int r = 0; r < Runs.Length; r++)
        {
            var values = Runs[r].History.Where(h => h.TrainLoss is not null).Select(h => h.TrainLoss!.Value).ToList();
            Assert.Equal(values.Count, curves[r].Count);
            for (int i = 0; i < values.Count; i++)
            {
                Assert.Equal(values.Skip(Math.Max(0, i - 8)).Take(Math.Min(i + 1, 9)).Average(), curves[r].Values[i], 12);
            }
        }
    }

    [Fact]
    public void NormalizedDeterministicLossCurves_SpanZeroToOnePerRunAndKeepTheShape()
    {
        var curves = OverlayPlot.NormalizedDeterministicLossCurves(new OverlayPlotData { Runs = Runs });

        for (int r = 0; r < Runs.Length; r++)
        {
            double[] det = [.. Runs[r].History.Select(h => h.DeterministicLoss!.Value)];
            Assert.Equal(0, curves[r].Values.Min(), 12);
            Assert.Equal(1, curves[r].Values.Max(), 12);
            Assert.Equal(Array.IndexOf(det, det.Min()), curves[r].Values.ToList().IndexOf(curves[r].Values.Min()));
            double span = det.Max() - det.Min();
            Assert.Equal((det[10] - det.Min()) / span, curves[r].Values[10], 12);
        }
    }

    [Fact]
    public void RenderPng_WithDeterministicLossOrOtherNames_DrawsSomethingElse()
    {
        var data = new OverlayPlotData { Runs = Runs };
        byte[] plain = OverlayPlot.RenderPng(data);

        byte[] withDet = OverlayPlot.RenderPng(data with { IncludeDeterministicLoss = true });
        byte[] renamed = OverlayPlot.RenderPng(data with { Runs = [Runs[0] with { Name = "teapot" }, Runs[1], Runs[2]] });

        Assert.NotEqual(plain, withDet);
        Assert.NotEqual(plain, renamed); // The legend's text is drawn.
    }

    [Fact]
    public void RenderPng_InvalidData_NamesTheProperty()
    {
        Assert.Equal("Runs", Assert.Throws<ArgumentException>(() => OverlayPlot.RenderPng(new OverlayPlotData { Runs = [] })).ParamName);
        Assert.Equal("Runs", Assert.Throws<ArgumentException>(() => OverlayPlot.RenderPng(new OverlayPlotData { Runs = [Runs[0] with { Name = " " }] })).ParamName);
        Assert.Equal("Markers", Assert.Throws<ArgumentOutOfRangeException>(
            () => OverlayPlot.RenderPng(new OverlayPlotData { Runs = Runs, Markers = [new(1000, "late")] })).ParamName);
        Assert.Equal("MovingAverageWindow", Assert.Throws<ArgumentOutOfRangeException>(
            () => OverlayPlot.RenderPng(new OverlayPlotData { Runs = Runs, MovingAverageWindow = 0 })).ParamName);
    }

    [Fact]
    public void Save_WritesThePng()
    {
        using var folder = new TemporaryFolder();

        string path = OverlayPlot.Save(new OverlayPlotData { Runs = Runs, Width = 600, Height = 300 }, folder.Combine("overlay.png"));

        Assert.Equal((600, 300), PngHeader.Size(path));
    }

    private static List<HistoryRow> Rows(int steps, int seed, double scale)
    {
        var (train, det) = PlotFiles.Run(steps, seed);
        return [.. det.Select((d, i) => new HistoryRow(i, train[i], scale * d, null, false))];
    }
}
