using System.Globalization;
using Dvar.Stopping.Diagnostics;
using ScottPlot;

namespace Dvar.Cli.Plotting;

/// <summary>Draws several runs on one panel: the moving average of each run's training loss, labelled with the run's
/// name, and optionally each run's L_det normalised to [0, 1] over that run. Shows, for example, that the training-loss
/// curves of different concepts lie on top of each other while their L_det curves settle at different steps.</summary>
/// <remarks>Non-finite values are left out. Text uses the embedded DejaVu Sans (<see cref="PlotFonts"/>). Thread-safe:
/// every call builds its own plot.</remarks>
internal static class OverlayPlot
{
    /// <summary>The moving average of each run's training loss, named after the run (runs without training loss give an
    /// empty series).</summary>
    /// <param name="data">The runs.</param>
    /// <returns>One series per run, in order.</returns>
    /// <exception cref="ArgumentException">The data is invalid (see <see cref="RenderPng"/>).</exception>
    public static IReadOnlyList<PlotSeries> TrainLossCurves(OverlayPlotData data)
    {
        Check(data);
        return [.. data.Runs.Select(run => Smoothed(run.Name, run.History.Select(row => row.TrainLoss), run.History, data.MovingAverageWindow))];
    }

    /// <summary>Each run's L_det (not smoothed: it is deterministic), normalised over the run to [0, 1]
    /// ((v − min) / (max − min); a constant curve is all 0).</summary>
    /// <param name="data">The runs.</param>
    /// <returns>One series per run, in order.</returns>
    /// <exception cref="ArgumentException">The data is invalid (see <see cref="RenderPng"/>).</exception>
    public static IReadOnlyList<PlotSeries> NormalizedDeterministicLossCurves(OverlayPlotData data)
    {
        Check(data);
        return [.. data.Runs.Select(run => Normalized(Smoothed(run.Name + " L_det", run.History.Select(row => row.DeterministicLoss), run.History, 1)))];
    }

    /// <summary>Renders the overlay.</summary>
    /// <param name="data">The runs.</param>
    /// <returns>The PNG bytes, <see cref="OverlayPlotData.Width"/> by <see cref="OverlayPlotData.Height"/> pixels.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/>, its runs, a run or a history is null.</exception>
    /// <exception cref="ArgumentException">There are no runs, a run's name is empty, a setting is out of range, a marker
    /// lies outside the runs' steps, or no run has a finite training loss. The parameter name is the property's.</exception>
    public static byte[] RenderPng(OverlayPlotData data)
    {
        var trainCurves = TrainLossCurves(data);
        if (trainCurves.All(curve => curve.Count == 0))
        {
            throw new ArgumentException("There is nothing to plot: no run has a finite train_loss value.", nameof(data));
        }

        var steps = data.Runs.SelectMany(run => run.History.Select(row => row.Step)).ToList();
        long start = steps.Min();
        long end = steps.Max();
        CheckMarkers(data.Markers, start, end);
        bool titled = !string.IsNullOrEmpty(data.Title);
        int top = PlotRendering.TopPadding + (titled ? PlotRendering.TitleHeight : 0);
        int bottom = PlotRendering.BottomPadding + PlotRendering.AxisLabelHeight;
        using var plot = PlotRendering.NewPanel(
            string.Create(CultureInfo.InvariantCulture, $"train loss, moving average ({data.MovingAverageWindow})"), start, end, top, bottom,
            extraRight: data.IncludeDeterministicLoss ? 70 : 0);
        if (titled)
        {
            plot.Title(data.Title, 16);
        }

        plot.XLabel("step", 14);
        var palette = PlotRendering.Palette;
        for (int i = 0; i < trainCurves.Count; i++)
        {
            var line = plot.Add.ScatterLine(trainCurves[i].Steps.ToArray(), trainCurves[i].Values.ToArray(), palette[i % palette.Count]);
            line.LineWidth = 2;
            line.LegendText = trainCurves[i].Name;
        }

        double yTop = PlotRendering.SetLimitsY(plot, trainCurves.SelectMany(curve => curve.Values));
        if (data.IncludeDeterministicLoss)
        {
            var detCurves = NormalizedDeterministicLossCurves(data);
            for (int i = 0; i < detCurves.Count; i++)
            {
                var line = plot.Add.ScatterLine(detCurves[i].Steps.ToArray(), detCurves[i].Values.ToArray(), palette[i % palette.Count]);
                line.LineWidth = 1.5f;
                line.LinePattern = LinePattern.Dashed;
                // No legend entry: the same colour as its run's solid line, and the right axis says what the dashes are.
                line.Axes.YAxis = plot.Axes.Right;
            }

            plot.Axes.Right.Label.Text = "L_det, 0-1 per run (dashed)";
            plot.Axes.Right.Label.FontSize = 14;
            plot.Axes.SetLimitsY(-0.05, 1.15, plot.Axes.Right);
        }

        PlotRendering.AddMarkers(plot, data.Markers, yTop, start, end);
        PlotRendering.ShowLegend(plot);
        return PlotRendering.RenderPng([(plot, data.Height)], data.Width);
    }

    /// <summary>Renders the overlay and writes it to <paramref name="path"/> atomically; the folder is created if missing.</summary>
    /// <param name="data">The runs.</param>
    /// <param name="path">The PNG file to create or replace.</param>
    /// <returns>The full path written.</returns>
    /// <exception cref="ArgumentException">As for <see cref="RenderPng"/>.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or folder may not be written.</exception>
    public static string Save(OverlayPlotData data, string path) => PlotRendering.WritePng(path, RenderPng(data));

    private static void Check(OverlayPlotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(data.Runs, nameof(data.Runs));
        ArgumentNullException.ThrowIfNull(data.Markers, nameof(data.Markers));
        if (data.Runs.Count == 0)
        {
            throw new ArgumentException("Runs must hold at least one run.", nameof(data.Runs));
        }

        foreach (var run in data.Runs)
        {
            if (run?.History is null || run.History.Any(row => row is null))
            {
                throw new ArgumentNullException(nameof(data.Runs), "Runs must not hold null runs, histories or rows.");
            }

            if (string.IsNullOrWhiteSpace(run.Name))
            {
                throw new ArgumentException("Every run needs a name for the legend; one is empty.", nameof(data.Runs));
            }
        }

        Guard.AtLeast(data.MovingAverageWindow, 1, nameof(data.MovingAverageWindow));
        Guard.AtLeast(data.Width, 300, nameof(data.Width));
        Guard.AtLeast(data.Height, 200, nameof(data.Height));
    }

    private static void CheckMarkers(IReadOnlyList<PlotMarker> markers, long start, long end)
    {
        foreach (var marker in markers)
        {
            if (marker?.Label is null)
            {
                throw new ArgumentNullException(nameof(OverlayPlotData.Markers), "Markers must not hold null markers or labels.");
            }

            if (marker.Step < start || marker.Step > end)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(OverlayPlotData.Markers),
                    string.Create(CultureInfo.InvariantCulture, $"the marker at step {marker.Step} (\"{marker.Label}\") lies outside the plotted steps, {start} to {end}."));
            }
        }
    }

    private static PlotSeries Smoothed(string name, IEnumerable<double?> values, IReadOnlyList<HistoryRow> history, int window)
    {
        var steps = new List<double>();
        var finite = new List<double>();
        int i = 0;
        foreach (double? value in values)
        {
            if (value is { } v && double.IsFinite(v))
            {
                steps.Add(history[i].Step);
                finite.Add(v);
            }

            i++;
        }

        return new PlotSeries(name, steps, TrainingPlotSeries.MovingAverage(finite, window));
    }

    private static PlotSeries Normalized(PlotSeries series)
    {
        if (series.Count == 0)
        {
            return series;
        }

        double min = series.Values.Min();
        double span = series.Values.Max() - min;
        return series with { Values = [.. series.Values.Select(v => span > 0 ? (v - min) / span : 0)] };
    }
}
