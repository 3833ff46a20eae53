using Dvar.Stopping.Diagnostics;

namespace Dvar.Cli.Plotting;

/// <summary>What a <see cref="TrainingPlot"/> shows: one run's history, optionally its sample scores, how the DVAR ratio is
/// obtained, and the marker lines. Build one with an object initializer; only <see cref="History"/> is required.</summary>
/// <example>
/// <code>
/// var data = new TrainingPlotData
/// {
///     Title = "cat-toy, Textual Inversion",
///     History = TrainingCsvReader.ReadHistory("runs/cat-toy/history.csv"),
///     Scores = TrainingCsvReader.ReadScores("runs/cat-toy/scores.csv"),
///     Window = 310,
///     Threshold = 0.15,
///     Markers = [new PlotMarker(914, "DVAR stop 914"), new PlotMarker(6100, "budget 6100")],
///     StepAxisEnd = 6100,
/// };
/// TrainingPlot.Save(data, "runs/cat-toy/figure.png");
/// </code>
/// </example>
internal sealed record TrainingPlotData
{
    /// <summary>The default width of the image in pixels.</summary>
    public const int DefaultWidth = 1000;

    /// <summary>The default height of one panel in pixels.</summary>
    public const int DefaultPanelHeight = 240;

    /// <summary>The default number of values in the training loss's moving average.</summary>
    public const int DefaultMovingAverageWindow = 50;

    /// <summary>Gets the figure's title, drawn above the first panel; null or empty for none.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the run's history rows (<see cref="TrainingCsvReader.ReadHistory(string)"/>), in observation order.</summary>
    public required IReadOnlyList<HistoryRow> History { get; init; }

    /// <summary>Gets the run's sample scores, or null (or empty) for none; with scores the figure gets the scores panel.</summary>
    public IReadOnlyList<ScoreRow>? Scores { get; init; }

    /// <summary>Gets DVAR's window N. When set, <see cref="Threshold"/> must be set too, and the ratio panel shows the ratio
    /// recomputed from <see cref="HistoryRow.DeterministicLoss"/> by replaying a <c>DvarCriterion</c> with N and α (the
    /// history's statistic column is then ignored).</summary>
    public int? Window { get; init; }

    /// <summary>Gets DVAR's threshold α, drawn as a dashed horizontal line on the ratio panel; null for no line. Without
    /// <see cref="Window"/>, the ratio is the history's statistic column (when
    /// <see cref="HistoryStatisticIsRatio"/>).</summary>
    public double? Threshold { get; init; }

    /// <summary>Gets a value indicating whether the history's <c>statistic</c> column holds the DVAR ratio (the run
    /// stopped with DVAR), so it may be drawn as the ratio when <see cref="Window"/> is not set. Default true; set it to
    /// false for histories of other criteria, whose statistic is not a variance ratio.</summary>
    public bool HistoryStatisticIsRatio { get; init; } = true;

    /// <summary>Gets the vertical marker lines, drawn on every panel with their labels. Each step must lie on the step
    /// axis (see <see cref="StepAxisEnd"/>).</summary>
    public IReadOnlyList<PlotMarker> Markers { get; init; } = [];

    /// <summary>Gets the number of training-loss values in the moving average (a trailing mean; the first values average
    /// fewer). At least 1; 1 draws the values themselves. Default 50.</summary>
    public int MovingAverageWindow { get; init; } = DefaultMovingAverageWindow;

    /// <summary>Gets the right end of the step axis, or null for the last step of the data. Set it to the step budget to
    /// show a run that stopped early against its budget (and to place a "budget" marker there). A value below the last
    /// step of the data is ignored.</summary>
    public long? StepAxisEnd { get; init; }

    /// <summary>Gets the image width in pixels (at least 300). Default 1000.</summary>
    public int Width { get; init; } = DefaultWidth;

    /// <summary>Gets the height of each panel in pixels (at least 120); the image is as tall as its panels, plus room for
    /// the title and the step axis label. Default 240.</summary>
    public int PanelHeight { get; init; } = DefaultPanelHeight;

    /// <summary>Checks the settings that do not depend on the data (markers are checked against the data's steps by
    /// <see cref="TrainingPlotSeries.From"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    /// <exception cref="ArgumentException"><see cref="Window"/> is set without <see cref="Threshold"/> (parameter <c>Window</c>).</exception>
    public void Validate()
    {
        Guard.AtLeast(MovingAverageWindow, 1, nameof(MovingAverageWindow));
        Guard.AtLeast(Width, 300, nameof(Width));
        Guard.AtLeast(PanelHeight, 120, nameof(PanelHeight));
        if (Threshold is { } threshold)
        {
            Guard.InOpenInterval(threshold, 0, 1, nameof(Threshold));
        }

        if (Window is { } window)
        {
            Guard.AtLeast(window, 2, nameof(Window));
            if (Threshold is null)
            {
                throw new ArgumentException(
                    "Window needs a Threshold too: the ratio is recomputed by a DVAR criterion with both.",
                    nameof(Window));
            }
        }
    }
}
