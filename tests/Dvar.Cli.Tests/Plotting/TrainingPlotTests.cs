using Dvar.Cli.Plotting;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Plotting;

public sealed class TrainingPlotTests
{
    private static readonly IReadOnlyList<HistoryRow> History = Rows(150);

    [Fact]
    public void RenderPng_IsAPngOfTheRequestedWidthAndOnePanelHeightPerPanel()
    {
        var data = new TrainingPlotData { Title = "run", History = History, Window = 20, Threshold = 0.15, Width = 640, PanelHeight = 200 };

        byte[] png = TrainingPlot.RenderPng(data);

        var (width, height) = Size(png);
        Assert.Equal(640, width);
        int panels = TrainingPlotSeries.From(data).Panels.Count;
        Assert.Equal(3, panels);
        Assert.Equal((panels * 200) + PlotRendering.TitleHeight + PlotRendering.AxisLabelHeight, height);
    }

    [Fact]
    public void RenderPng_WithScores_IsOnePanelTallerAndDrawsThem()
    {
        var without = new TrainingPlotData { History = History, PanelHeight = 150 };
        var with = without with { Scores = [new(0, 0.5, 0.4, 0.3), new(50, 0.6, 0.45, 0.29), new(100, 0.7, 0.5, 0.28)] };

        var (_, heightWithout) = Size(TrainingPlot.RenderPng(without));
        using var image = PlotFiles.Decode(TrainingPlot.RenderPng(with));

        Assert.Equal(heightWithout + 150, image.Height);
        // The scores panel is the last one: it has ink (curves, markers, ticks) where the shorter image ends.
        Assert.True(PlotFiles.DarkPixels(image, heightWithout, image.Height) > 500);
    }

    [Fact]
    public void RenderPng_Text_IsDrawn()
    {
        // Two figures that differ only in the words of their title: if no font could be found, neither would draw any
        // text and the images would be identical (as they are with SkiaSharp's own font lookup on a machine without
        // system fonts).
        byte[] first = TrainingPlot.RenderPng(new TrainingPlotData { Title = "Textual Inversion, cat toy", History = History });
        byte[] second = TrainingPlot.RenderPng(new TrainingPlotData { Title = "Hidden markers, sunset dog", History = History });
        using var image = PlotFiles.Decode(first);

        Assert.NotEqual(first, second);
        Assert.True(PlotFiles.DarkPixels(image, 0, PlotRendering.TitleHeight + PlotRendering.TopPadding) > 100, "the title band has no ink");
    }

    [Fact]
    public void RenderPng_Markers_AreDrawnOnEveryPanel()
    {
        var plain = new TrainingPlotData { History = History, Window = 20, Threshold = 0.15 };
        var marked = plain with { Markers = [new PlotMarker(75, "DVAR stop 75")] };

        using var without = PlotFiles.Decode(TrainingPlot.RenderPng(plain));
        using var with = PlotFiles.Decode(TrainingPlot.RenderPng(marked));

        Assert.Equal(without.Height, with.Height);
        int panels = TrainingPlotSeries.From(plain).Panels.Count;
        int panelHeight = plain.PanelHeight;
        for (int panel = 0; panel < panels; panel++)
        {
            int top = panel * panelHeight;
            Assert.True(ChangedPixels(without, with, top, top + panelHeight) > 50, $"panel {panel} shows no marker");
        }
    }

    [Fact]
    public void RenderPng_FromManyThreads_GivesTheSameImage()
    {
        var data = new TrainingPlotData { Title = "parallel", History = History, Window = 20, Threshold = 0.15, Markers = [new(100, "m")] };
        byte[] expected = TrainingPlot.RenderPng(data);

        var images = new byte[6][];
        Parallel.For(0, images.Length, i => images[i] = TrainingPlot.RenderPng(data));

        Assert.All(images, image => Assert.Equal(expected, image));
    }

    [Fact]
    public void RenderPng_NothingToDraw_Throws()
    {
        var history = Enumerable.Range(0, 10).Select(i => new HistoryRow(i, null, double.NaN, null, false)).ToList();

        var e = Assert.Throws<ArgumentException>(() => TrainingPlot.RenderPng(new TrainingPlotData { History = history }));

        Assert.Contains("nothing to plot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ReplacesTheFileAtomicallyAndCreatesTheFolder()
    {
        using var folder = new TemporaryFolder();
        string path = folder.Combine("new", "deeper", "figure.png");

        string first = TrainingPlot.Save(new TrainingPlotData { History = History, Width = 500 }, path);
        string second = TrainingPlot.Save(new TrainingPlotData { History = History, Width = 700 }, path);

        Assert.Equal(Path.GetFullPath(path), first);
        Assert.Equal(first, second);
        Assert.Equal(700, PngHeader.Size(path).Width);
        Assert.Equal(["figure.png"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Fonts_TheEmbeddedTypefaceHasTheGlyphsOfTheLabels()
    {
        var regular = PlotFonts.Typeface();
        var bold = PlotFonts.Typeface(bold: true);

        Assert.Equal("DejaVu Sans", regular.FamilyName);
        Assert.True(regular.GlyphCount > 1000);
        Assert.True(bold.IsBold);
        Assert.False(regular.IsBold);
        Assert.True(regular.ContainsGlyphs("step L_det α = 0.15 (a) train loss"));
    }

    internal static IReadOnlyList<HistoryRow> Rows(int steps)
    {
        var (train, det) = PlotFiles.Run(steps, seed: 2);
        return [.. det.Select((d, i) => new HistoryRow(i, train[i], d, null, false))];
    }

    private static (int Width, int Height) Size(byte[] png)
    {
        using var image = PlotFiles.Decode(png);
        return (image.Width, image.Height);
    }

    private static int ChangedPixels(SkiaSharp.SKBitmap a, SkiaSharp.SKBitmap b, int top, int bottom)
    {
        int count = 0;
        for (int y = top; y < bottom; y++)
        {
            for (int x = 0; x < a.Width; x++)
            {
                if (a.GetPixel(x, y) != b.GetPixel(x, y))
                {
                    count++;
                }
            }
        }

        return count;
    }
}
