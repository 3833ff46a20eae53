namespace Dvar.Cli.Plotting;

/// <summary>One curve of a plot: values against steps, both finite, in the order they are drawn.</summary>
/// <param name="Name">The curve's name (its legend text).</param>
/// <param name="Steps">The x values (training steps).</param>
/// <param name="Values">The y values, as many as <paramref name="Steps"/>.</param>
internal sealed record PlotSeries(string Name, IReadOnlyList<double> Steps, IReadOnlyList<double> Values)
{
    /// <summary>Gets the number of points.</summary>
    public int Count => Steps.Count;
}
