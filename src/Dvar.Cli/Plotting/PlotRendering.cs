using System.Globalization;
using Dvar.Stopping.IO;
using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Dvar.Cli.Plotting;

/// <summary>What <see cref="TrainingPlot"/> and <see cref="OverlayPlot"/> share: colours, fonts, the step axis, marker
/// lines, logarithmic ticks, stacking panels into one PNG, and writing it atomically.</summary>
internal static class PlotRendering
{
    /// <summary>Pixels left of the data area: tick labels and the vertical axis label.</summary>
    public const int LeftPadding = 90;

    /// <summary>Pixels right of the data area: room for the legend, outside the data so it never hides a curve or a marker.</summary>
    public const int RightPadding = 190;

    /// <summary>Pixels above the data area of a panel.</summary>
    public const int TopPadding = 12;

    /// <summary>Pixels below the data area of a panel: the step axis's tick labels.</summary>
    public const int BottomPadding = 26;

    /// <summary>Extra pixels above the first panel when the figure has a title.</summary>
    public const int TitleHeight = 34;

    /// <summary>Extra pixels below the last panel for the step axis label.</summary>
    public const int AxisLabelHeight = 22;

    /// <summary>The colours of the data curves, in order (matplotlib's tab10, which the paper's figures use).</summary>
    public static IReadOnlyList<Color> Palette { get; } =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"), Color.FromHex("#bcbd22"),
        Color.FromHex("#17becf"), Color.FromHex("#d62728"),
    ];

    /// <summary>The colours of marker lines, in order: apart from the curves' first colours.</summary>
    public static IReadOnlyList<Color> MarkerPalette { get; } =
    [
        Color.FromHex("#d62728"), Color.FromHex("#6a3d9a"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"),
        Color.FromHex("#7f7f7f"), Color.FromHex("#17becf"),
    ];

    /// <summary>Creates a panel with the layout every dvar plot uses: fixed padding (so stacked panels' data areas line
    /// up), the step axis from <paramref name="stepStart"/> to <paramref name="stepEnd"/>, and its vertical axis label.</summary>
    /// <param name="yLabel">The vertical axis label.</param>
    /// <param name="stepStart">The first step shown.</param>
    /// <param name="stepEnd">The last step shown.</param>
    /// <param name="top">Pixels above the data area.</param>
    /// <param name="bottom">Pixels below the data area.</param>
    /// <param name="extraRight">Pixels added to <see cref="RightPadding"/>, e.g. for a labelled right-hand axis beside the legend.</param>
    /// <returns>The plot; the caller disposes it.</returns>
    public static Plot NewPanel(string yLabel, double stepStart, double stepEnd, int top, int bottom, int extraRight = 0)
    {
        var plot = new Plot();
        plot.Layout.Fixed(new PixelPadding(LeftPadding, RightPadding + extraRight, bottom, top));
        plot.YLabel(yLabel, 14);
        double margin = Math.Max(1, (stepEnd - stepStart) * 0.02);
        plot.Axes.SetLimitsX(stepStart - margin, stepEnd + margin);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        return plot;
    }

    /// <summary>Sets the vertical limits to the range of <paramref name="values"/> (and <paramref name="include"/>) with a
    /// margin, so that markers' labels can be placed at the top of the data area.</summary>
    /// <param name="plot">The panel.</param>
    /// <param name="values">The values drawn on the panel (finite).</param>
    /// <param name="include">Further values to keep in view (e.g. a threshold), or none.</param>
    /// <returns>The top limit.</returns>
    public static double SetLimitsY(Plot plot, IEnumerable<double> values, params double[] include)
    {
        double low = double.PositiveInfinity;
        double high = double.NegativeInfinity;
        foreach (double value in values.Concat(include))
        {
            low = Math.Min(low, value);
            high = Math.Max(high, value);
        }

        if (!double.IsFinite(low))
        {
            (low, high) = (0, 1);
        }

        double span = high - low;
        double margin = span > 0 ? span * 0.08 : Math.Max(Math.Abs(high) * 0.05, 1e-9);
        double top = high + (span > 0 ? span * 0.18 : margin); // Room for the markers' labels.
        plot.Axes.SetLimitsY(low - margin, top);
        return top;
    }

    /// <summary>Draws each marker as a vertical line with its label at the top of the data area, staggered so that the
    /// labels of close markers do not overlap; a label near the right end sits left of its line.</summary>
    /// <param name="plot">The panel.</param>
    /// <param name="markers">The markers.</param>
    /// <param name="top">The top of the vertical range (data coordinates).</param>
    /// <param name="stepStart">The first step shown.</param>
    /// <param name="stepEnd">The last step shown.</param>
    public static void AddMarkers(Plot plot, IReadOnlyList<PlotMarker> markers, double top, double stepStart, double stepEnd)
    {
        for (int i = 0; i < markers.Count; i++)
        {
            var marker = markers[i];
            var color = MarkerPalette[i % MarkerPalette.Count];
            var line = plot.Add.VerticalLine(marker.Step, 1.5f, color, LinePattern.DenselyDashed);
            line.ExcludeFromLegend = true;
            if (marker.Label.Length == 0)
            {
                continue;
            }

            bool leftOfLine = stepEnd > stepStart && (marker.Step - stepStart) / (stepEnd - stepStart) > 0.75;
            var text = plot.Add.Text(marker.Label, marker.Step, top);
            text.LabelFontSize = 11;
            text.LabelFontColor = color;
            text.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            text.LabelAlignment = leftOfLine ? Alignment.UpperRight : Alignment.UpperLeft;
            text.OffsetX = leftOfLine ? -4 : 4;
            text.OffsetY = 3 + (14 * (i % 4));
        }
    }

    /// <summary>Ticks for a vertical axis whose data are log10 of the values: major ticks labelled at 1, 2 and 5 times
    /// powers of ten, minor ticks at the other integers times powers of ten.</summary>
    /// <param name="low">The bottom of the axis (log10 units).</param>
    /// <param name="high">The top of the axis (log10 units).</param>
    /// <returns>The tick generator.</returns>
    public static NumericManual LogTicks(double low, double high)
    {
        var ticks = new NumericManual();
        int majors = 0;
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            for (int mantissa = 1; mantissa <= 9; mantissa++)
            {
                double value = mantissa * Math.Pow(10, decade);
                double position = Math.Log10(value);
                if (position < low || position > high)
                {
                    continue;
                }

                if (mantissa is 1 or 2 or 5)
                {
                    ticks.AddMajor(position, value.ToString("G3", CultureInfo.InvariantCulture));
                    majors++;
                }
                else
                {
                    ticks.AddMinor(position);
                }
            }
        }

        if (majors < 2)
        {
            // A range narrower than 1-2-5 steps: label its ends instead.
            ticks.AddMajor(low, Math.Pow(10, low).ToString("G3", CultureInfo.InvariantCulture));
            ticks.AddMajor(high, Math.Pow(10, high).ToString("G3", CultureInfo.InvariantCulture));
        }

        return ticks;
    }

    /// <summary>Shows the panel's legend outside its data area, on the right, in the embedded font.</summary>
    /// <param name="plot">The panel.</param>
    public static void ShowLegend(Plot plot)
    {
        var panel = plot.ShowLegend(Edge.Right);
        panel.Alignment = Alignment.UpperLeft;
        plot.Legend.FontSize = 12;
    }

    /// <summary>Renders panels stacked top to bottom, each in its own height, into one PNG.</summary>
    /// <param name="panels">The panels and their heights in pixels.</param>
    /// <param name="width">The image width in pixels.</param>
    /// <returns>The PNG bytes.</returns>
    public static byte[] RenderPng(IReadOnlyList<(Plot Plot, int Height)> panels, int width)
    {
        int height = panels.Sum(panel => panel.Height);
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp cannot create a {width}x{height} image.");
        surface.Canvas.Clear(SKColors.White);
        int top = 0;
        foreach (var (plot, panelHeight) in panels)
        {
            PlotFonts.Apply(plot);
            plot.RenderManager.ClearCanvasBeforeEachRender = false;
            plot.Render(surface.Canvas, new PixelRect(0, width, top + panelHeight, top));
            top += panelHeight;
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Writes a PNG atomically: a temporary file in the same folder, flushed, then moved over
    /// <paramref name="path"/>, so a reader never sees half an image. The folder is created if missing.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="png">The bytes.</param>
    /// <returns>The full path written.</returns>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written.</exception>
    public static string WritePng(string path, byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        string full = Path.GetFullPath(path);
        AtomicFile.Write(full, stream => stream.Write(png), createFolder: true);
        return full;
    }
}
