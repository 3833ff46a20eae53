using System.Globalization;
using ScottPlot;

namespace Dvar.Cli.Plotting;

/// <summary>Draws one training run in the style of Figure 2 of Voronov et al.: vertically stacked panels that share the
/// step axis. (a) the training loss, every value as a small light point plus its moving average; (b) L_det; (c) the
/// DVAR ratio Var(last N) / Var(all) on a logarithmic axis with a dashed line at α; (d) the sample scores, when given.
/// A panel without data is left out. Every marker is a vertical line, with its label, on every panel.</summary>
/// <remarks>
/// <para>The image is <see cref="TrainingPlotData.Width"/> pixels wide; each panel adds
/// <see cref="TrainingPlotData.PanelHeight"/> pixels, plus <see cref="PlotRendering.TitleHeight"/> for a title and
/// <see cref="PlotRendering.AxisLabelHeight"/> for the step axis label. Legends sit right of the data areas. Text uses
/// the embedded DejaVu Sans (<see cref="PlotFonts"/>), so the image is the same on every machine.</para>
/// <para>Non-finite values are left out of every panel, and ratios ≤ 0 (possible only for a constant window) out of the
/// logarithmic ratio panel. Thread-safe: every call builds its own plots.</para>
/// </remarks>
internal static class TrainingPlot
{
    /// <summary>Renders the figure.</summary>
    /// <param name="data">What to draw.</param>
    /// <returns>The PNG bytes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or its history is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid or a marker lies off the step axis (see
    /// <see cref="TrainingPlotSeries.From"/>; the parameter name is the property's), or there is nothing to draw.</exception>
    public static byte[] RenderPng(TrainingPlotData data)
    {
        var series = TrainingPlotSeries.From(data);
        if (series.Panels.Count == 0)
        {
            throw new ArgumentException(
                "There is nothing to plot: the history has no finite train_loss, det_loss or ratio values, and there are no scores.",
                nameof(data));
        }

        var panels = new List<(Plot Plot, int Height)>();
        try
        {
            for (int i = 0; i < series.Panels.Count; i++)
            {
                bool first = i == 0;
                bool last = i == series.Panels.Count - 1;
                bool titled = first && !string.IsNullOrEmpty(data.Title);
                int top = PlotRendering.TopPadding + (titled ? PlotRendering.TitleHeight : 0);
                int bottom = PlotRendering.BottomPadding + (last ? PlotRendering.AxisLabelHeight : 0);
                var plot = PlotRendering.NewPanel(YLabel(series.Panels[i], i), series.StepAxisStart, series.StepAxisEnd, top, bottom);
                panels.Add((plot, data.PanelHeight + (titled ? PlotRendering.TitleHeight : 0) + (last ? PlotRendering.AxisLabelHeight : 0)));
                if (titled)
                {
                    plot.Title(data.Title, 16);
                }

                if (last)
                {
                    plot.XLabel("step", 14);
                }

                double yTop = Draw(plot, series.Panels[i], series, data);
                PlotRendering.AddMarkers(plot, series.Markers, yTop, series.StepAxisStart, series.StepAxisEnd);
                PlotRendering.ShowLegend(plot);
            }

            return PlotRendering.RenderPng(panels, data.Width);
        }
        finally
        {
            foreach (var (plot, _) in panels)
            {
                plot.Dispose();
            }
        }
    }

    /// <summary>Renders the figure and writes it to <paramref name="path"/> atomically (a temporary file in the same
    /// folder, then moved over the target); the folder is created if missing.</summary>
    /// <param name="data">What to draw.</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <returns>The full path written.</returns>
    /// <exception cref="ArgumentException">As for <see cref="RenderPng"/>.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written.</exception>
    public static string Save(TrainingPlotData data, string path) => PlotRendering.WritePng(path, RenderPng(data));

    private static string YLabel(TrainingPlotPanel panel, int index)
    {
        char letter = (char)('a' + index);
        return panel switch
        {
            TrainingPlotPanel.TrainLoss => $"({letter}) train loss",
            TrainingPlotPanel.DeterministicLoss => $"({letter}) L_det",
            TrainingPlotPanel.Ratio => $"({letter}) DVAR ratio",
            _ => $"({letter}) sample scores",
        };
    }

    /// <summary>Draws one panel's curves and returns the top of its vertical range.</summary>
    private static double Draw(Plot plot, TrainingPlotPanel panel, TrainingPlotSeries series, TrainingPlotData data)
    {
        var palette = PlotRendering.Palette;
        switch (panel)
        {
            case TrainingPlotPanel.TrainLoss:
            {
                var raw = plot.Add.ScatterPoints(Array(series.TrainLoss.Steps), Array(series.TrainLoss.Values), palette[0].WithAlpha(0.3));
                raw.MarkerSize = 3;
                raw.LegendText = "train loss";
                var average = plot.Add.ScatterLine(Array(series.TrainLossAverage.Steps), Array(series.TrainLossAverage.Values), palette[0]);
                average.LineWidth = 2;
                average.LegendText = series.TrainLossAverage.Name;
                return PlotRendering.SetLimitsY(plot, series.TrainLoss.Values);
            }

            case TrainingPlotPanel.DeterministicLoss:
            {
                var line = plot.Add.ScatterLine(Array(series.DeterministicLoss.Steps), Array(series.DeterministicLoss.Values), palette[1]);
                line.LineWidth = 2;
                line.LegendText = "L_det";
                return PlotRendering.SetLimitsY(plot, series.DeterministicLoss.Values);
            }

            case TrainingPlotPanel.Ratio:
                return DrawRatio(plot, series, data);

            default:
            {
                for (int i = 0; i < series.Scores.Count; i++)
                {
                    var score = series.Scores[i];
                    var scatter = plot.Add.Scatter(Array(score.Steps), Array(score.Values), palette[i]);
                    scatter.LineWidth = 1.5f;
                    scatter.MarkerSize = 6;
                    scatter.LegendText = score.Name;
                }

                return PlotRendering.SetLimitsY(plot, series.Scores.SelectMany(score => score.Values));
            }
        }
    }

    private static double DrawRatio(Plot plot, TrainingPlotSeries series, TrainingPlotData data)
    {
        var steps = new List<double>();
        var logs = new List<double>();
        for (int i = 0; i < series.Ratio.Count; i++)
        {
            if (series.Ratio.Values[i] > 0)
            {
                steps.Add(series.Ratio.Steps[i]);
                logs.Add(Math.Log10(series.Ratio.Values[i]));
            }
        }

        var line = plot.Add.ScatterLine(steps.ToArray(), logs.ToArray(), PlotRendering.Palette[2]);
        line.LineWidth = 2;
        line.LegendText = series.RatioRecomputed
            ? string.Create(CultureInfo.InvariantCulture, $"Var(last {data.Window}) / Var(all)")
            : "Var(last N) / Var(all)";
        double[] include = series.Threshold is { } alpha ? [Math.Log10(alpha), 0] : [0];
        if (series.Threshold is { } threshold)
        {
            var level = plot.Add.HorizontalLine(Math.Log10(threshold), 1.5f, Colors.Black, LinePattern.Dashed);
            level.LegendText = string.Create(CultureInfo.InvariantCulture, $"α = {threshold:G4}");
        }

        double top = PlotRendering.SetLimitsY(plot, logs, include);
        var limits = plot.Axes.GetLimits();
        plot.Axes.Left.TickGenerator = PlotRendering.LogTicks(limits.Bottom, limits.Top);
        return top;
    }

    private static double[] Array(IReadOnlyList<double> values) => [.. values];
}
