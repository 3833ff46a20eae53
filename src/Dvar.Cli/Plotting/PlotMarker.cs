namespace Dvar.Cli.Plotting;

/// <summary>A vertical line drawn across every panel of a plot at one step, with a short label next to it, e.g.
/// <c>new PlotMarker(143, "DVAR stop 143")</c>.</summary>
/// <param name="Step">Where the line is drawn on the step axis.</param>
/// <param name="Label">The text drawn at the top of the line; empty for a line without a label.</param>
internal sealed record PlotMarker(long Step, string Label);
