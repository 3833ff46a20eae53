namespace Dvar.Cli.Plotting;

/// <summary>What an <see cref="OverlayPlot"/> shows: several runs' smoothed training losses (and optionally their L_det,
/// normalised per run) on one panel. Only <see cref="Runs"/> is required.</summary>
/// <example>
/// <code>
/// var data = new OverlayPlotData
/// {
///     Title = "Training loss of four concepts",
///     Runs = [.. folders.Select(f => new OverlayRun(Path.GetFileName(f), TrainingCsvReader.ReadHistory(Path.Combine(f, "history.csv"))))],
///     IncludeDeterministicLoss = true,
/// };
/// OverlayPlot.Save(data, "overlay.png");
/// </code>
/// </example>
internal sealed record OverlayPlotData
{
    /// <summary>Gets the figure's title; null or empty for none.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the runs, drawn in order, each in its own colour; at least one.</summary>
    public required IReadOnlyList<OverlayRun> Runs { get; init; }

    /// <summary>Gets the number of values in each run's trailing moving average of the training loss; at
    /// least 1. Default 50.</summary>
    public int MovingAverageWindow { get; init; } = TrainingPlotData.DefaultMovingAverageWindow;

    /// <summary>Gets a value indicating whether each run's L_det is drawn too, as a dashed line on a right-hand axis from
    /// 0 to 1: (L_det − min) / (max − min) over that run, so that runs of different loss levels can be compared by shape.
    /// Default false.</summary>
    public bool IncludeDeterministicLoss { get; init; }

    /// <summary>Gets vertical marker lines drawn with their labels; each step must lie within the runs' steps.</summary>
    public IReadOnlyList<PlotMarker> Markers { get; init; } = [];

    /// <summary>Gets the image width in pixels (at least 300). Default 1000.</summary>
    public int Width { get; init; } = TrainingPlotData.DefaultWidth;

    /// <summary>Gets the image height in pixels (at least 200). Default 500.</summary>
    public int Height { get; init; } = 500;
}
