namespace Dvar.Stopping.Statistics;

/// <summary>A summary of a run of consecutive values that two adjacent runs can merge into the summary of both.</summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
/// <remarks>
/// <see cref="SlidingWindow{TAggregate}"/> keeps a window's summary by merging, never by subtracting the value that
/// leaves, so no cancellation error can build up. Merge must be associative in exact arithmetic.
/// </remarks>
internal interface IWindowAggregate<TSelf>
    where TSelf : struct, IWindowAggregate<TSelf>
{
    /// <summary>The summary of one value.</summary>
    /// <param name="value">The value (finite).</param>
    /// <param name="position">Its position in the stream; only differences of positions may matter.</param>
    /// <returns>The summary.</returns>
    static abstract TSelf Of(double value, long position);

    /// <summary>The summary of the run <paramref name="older"/> followed by the run <paramref name="newer"/>.</summary>
    /// <param name="older">The summary of the earlier run (non-empty).</param>
    /// <param name="newer">The summary of the later run (non-empty).</param>
    /// <returns>The merged summary.</returns>
    static abstract TSelf Merge(in TSelf older, in TSelf newer);
}
