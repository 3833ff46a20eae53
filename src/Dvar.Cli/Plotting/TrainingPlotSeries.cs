using System.Globalization;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Diagnostics;

namespace Dvar.Cli.Plotting;

/// <summary>The curves a <see cref="TrainingPlot"/> draws, computed from a <see cref="TrainingPlotData"/>: the numbers
/// behind the picture, so that callers and tests can check what is drawn without reading pixels.</summary>
/// <remarks>Every series holds finite values only (NaN and ±Infinity are left out), in the history's order.</remarks>
internal sealed record TrainingPlotSeries
{
    /// <summary>Gets the training loss, one point per history row that has one.</summary>
    public required PlotSeries TrainLoss { get; init; }

    /// <summary>Gets the trailing moving average of <see cref="TrainLoss"/> (point i is the mean of values
    /// max(0, i − W + 1) .. i, with W = <see cref="TrainingPlotData.MovingAverageWindow"/>).</summary>
    public required PlotSeries TrainLossAverage { get; init; }

    /// <summary>Gets L_det, one point per history row that has one.</summary>
    public required PlotSeries DeterministicLoss { get; init; }

    /// <summary>Gets the DVAR ratio Var(last N) / Var(all) where it is defined: recomputed from L_det when
    /// <see cref="TrainingPlotData.Window"/> is set, else the history's statistic column (or nothing).</summary>
    public required PlotSeries Ratio { get; init; }

    /// <summary>Gets whether <see cref="Ratio"/> was recomputed from L_det (true) or read from the statistic column.</summary>
    public required bool RatioRecomputed { get; init; }

    /// <summary>Gets α, the ratio panel's dashed line, or null.</summary>
    public required double? Threshold { get; init; }

    /// <summary>Gets the sample-score curves that have at least one value: <c>train_img</c>, <c>val_img</c>, <c>val_txt</c>.</summary>
    public required IReadOnlyList<PlotSeries> Scores { get; init; }

    /// <summary>Gets the panels that have data, top to bottom.</summary>
    public required IReadOnlyList<TrainingPlotPanel> Panels { get; init; }

    /// <summary>Gets the first step on the step axis: the smallest step of the history and the scores (0 without data).</summary>
    public required long StepAxisStart { get; init; }

    /// <summary>Gets the last step on the step axis: the largest step of the data, or
    /// <see cref="TrainingPlotData.StepAxisEnd"/> when that is larger.</summary>
    public required long StepAxisEnd { get; init; }

    /// <summary>Gets the marker lines, checked to lie on the step axis.</summary>
    public required IReadOnlyList<PlotMarker> Markers { get; init; }

    /// <summary>Checks <paramref name="data"/> and computes its curves.</summary>
    /// <param name="data">What to plot.</param>
    /// <returns>The curves and panels.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/>, its history, a row, or a marker is null.</exception>
    /// <exception cref="ArgumentException">A setting is out of range, <see cref="TrainingPlotData.Window"/> is set without
    /// <see cref="TrainingPlotData.Threshold"/>, or a marker lies off the step axis. The parameter name is the
    /// <see cref="TrainingPlotData"/> property's (<c>Window</c>, <c>Threshold</c>, <c>MovingAverageWindow</c>,
    /// <c>Markers</c>, <c>Width</c>, <c>PanelHeight</c>).</exception>
    public static TrainingPlotSeries From(TrainingPlotData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(data.History, nameof(data.History));
        ArgumentNullException.ThrowIfNull(data.Markers, nameof(data.Markers));
        data.Validate();
        var history = data.History;
        var scores = data.Scores ?? [];
        if (history.Any(row => row is null) || scores.Any(row => row is null))
        {
            throw new ArgumentNullException(nameof(data.History), "History and Scores must not hold null rows.");
        }

        var trainLoss = Series("train loss", history.Select(row => (row.Step, row.TrainLoss)));
        var average = new PlotSeries(
            string.Create(CultureInfo.InvariantCulture, $"moving average ({data.MovingAverageWindow})"),
            trainLoss.Steps,
            MovingAverage(trainLoss.Values, data.MovingAverageWindow));
        var deterministic = Series("L_det", history.Select(row => (row.Step, row.DeterministicLoss)));
        bool recompute = data.Window is not null;
        var ratio = recompute
            ? RecomputedRatio(history, data.Window!.Value, data.Threshold!.Value)
            : Series("DVAR ratio", data.HistoryStatisticIsRatio ? history.Select(row => (row.Step, row.Statistic)) : []);
        IReadOnlyList<PlotSeries> scoreSeries =
        [
            .. new[]
            {
                Series("train_img", scores.Select(row => (row.Step, row.TrainImage))),
                Series("val_img", scores.Select(row => (row.Step, row.ValidationImage))),
                Series("val_txt", scores.Select(row => (row.Step, row.ValidationText))),
            }.Where(series => series.Count > 0),
        ];

        var panels = new List<TrainingPlotPanel>();
        AddIf(panels, TrainingPlotPanel.TrainLoss, trainLoss.Count > 0);
        AddIf(panels, TrainingPlotPanel.DeterministicLoss, deterministic.Count > 0);
        AddIf(panels, TrainingPlotPanel.Ratio, ratio.Values.Any(value => value > 0));
        AddIf(panels, TrainingPlotPanel.Scores, scoreSeries.Count > 0);

        var steps = history.Select(row => row.Step).Concat(scores.Select(row => row.Step)).ToList();
        long start = steps.Count > 0 ? steps.Min() : 0;
        long end = Math.Max(steps.Count > 0 ? steps.Max() : 0, data.StepAxisEnd ?? long.MinValue);
        CheckMarkers(data.Markers, start, end);
        return new TrainingPlotSeries
        {
            TrainLoss = trainLoss,
            TrainLossAverage = average,
            DeterministicLoss = deterministic,
            Ratio = ratio,
            RatioRecomputed = recompute,
            Threshold = data.Threshold,
            Scores = scoreSeries,
            Panels = panels,
            StepAxisStart = start,
            StepAxisEnd = end,
            Markers = data.Markers,
        };
    }

    /// <summary>The trailing moving average: element i is the mean of <paramref name="values"/>[max(0, i − W + 1) .. i].</summary>
    /// <param name="values">The values.</param>
    /// <param name="window">W, at least 1.</param>
    /// <returns>As many averages as values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/> is less than 1.</exception>
    public static double[] MovingAverage(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        Guard.AtLeast(window, 1, nameof(TrainingPlotData.MovingAverageWindow));
        var averages = new double[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            // Summed afresh for each point (O(n·W)): never drifts the way a running sum does, and W is small.
            int first = Math.Max(0, i - window + 1);
            double sum = 0;
            for (int j = first; j <= i; j++)
            {
                sum += values[j];
            }

            averages[i] = sum / (i - first + 1);
        }

        return averages;
    }

    /// <summary>Replays the history's L_det through <c>new DvarCriterion(new DvarOptions { Window = N, Threshold = α })</c>
    /// and keeps each defined ratio, at the step of the value that produced it.</summary>
    /// <param name="history">The rows, in observation order; rows without L_det are skipped, as the criterion never saw them.</param>
    /// <param name="window">N.</param>
    /// <param name="threshold">α.</param>
    /// <returns>The ratio series (finite values only).</returns>
    /// <exception cref="ArgumentOutOfRangeException">N or α is out of range (the parameter is named <c>Window</c> or <c>Threshold</c>).</exception>
    public static PlotSeries RecomputedRatio(IReadOnlyList<HistoryRow> history, int window, double threshold)
    {
        ArgumentNullException.ThrowIfNull(history);
        var criterion = new DvarCriterion(new DvarOptions { Window = window, Threshold = threshold });
        var steps = new List<double>();
        var ratios = new List<double>();
        foreach (var row in history)
        {
            if (row.DeterministicLoss is not { } loss)
            {
                continue;
            }

            if (criterion.Observe(loss).Statistic is { } ratio && double.IsFinite(ratio))
            {
                steps.Add(row.Step);
                ratios.Add(ratio);
            }
        }

        return new PlotSeries("DVAR ratio", steps, ratios);
    }

    private static void CheckMarkers(IReadOnlyList<PlotMarker> markers, long start, long end)
    {
        foreach (var marker in markers)
        {
            if (marker is null || marker.Label is null)
            {
                throw new ArgumentNullException(nameof(TrainingPlotData.Markers), "Markers must not hold null markers or labels.");
            }

            if (marker.Step < start || marker.Step > end)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(TrainingPlotData.Markers),
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"the marker at step {marker.Step} (\"{marker.Label}\") lies outside the plotted steps, {start} to {end}."));
            }
        }
    }

    private static PlotSeries Series(string name, IEnumerable<(long Step, double? Value)> points)
    {
        var steps = new List<double>();
        var values = new List<double>();
        foreach (var (step, value) in points)
        {
            if (value is { } v && double.IsFinite(v))
            {
                steps.Add(step);
                values.Add(v);
            }
        }

        return new PlotSeries(name, steps, values);
    }

    private static void AddIf(List<TrainingPlotPanel> panels, TrainingPlotPanel panel, bool condition)
    {
        if (condition)
        {
            panels.Add(panel);
        }
    }
}
