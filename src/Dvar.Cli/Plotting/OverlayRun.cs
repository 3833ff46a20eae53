namespace Dvar.Cli.Plotting;

/// <summary>One run of an <see cref="OverlayPlot"/>: its name (the legend text) and its history.</summary>
/// <param name="Name">How the legend names the run, e.g. the concept (<c>cat-toy</c>); not empty.</param>
/// <param name="History">The run's history rows (<see cref="TrainingCsvReader.ReadHistory(string)"/>).</param>
internal sealed record OverlayRun(string Name, IReadOnlyList<HistoryRow> History);
