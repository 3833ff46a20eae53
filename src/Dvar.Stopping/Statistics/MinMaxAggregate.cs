namespace Dvar.Stopping.Statistics;

/// <summary>The maximum and minimum of a set of values; merging is exact (no rounding).</summary>
/// <param name="Max">The largest value.</param>
/// <param name="Min">The smallest value.</param>
/// <remarks>In a <see cref="SlidingWindow{TAggregate}"/> this gives the window's max and min in O(1) amortised per value,
/// as a monotonic deque would, with no rescan when the extreme leaves the window.</remarks>
internal readonly record struct MinMaxAggregate(double Max, double Min) : IWindowAggregate<MinMaxAggregate>
{
    /// <summary>The summary of one value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Unused.</param>
    /// <returns>The summary.</returns>
    public static MinMaxAggregate Of(double value, long position) => new(value, value);

    /// <summary>The summary of both runs.</summary>
    /// <param name="older">A non-empty summary.</param>
    /// <param name="newer">A non-empty summary.</param>
    /// <returns>The merged summary.</returns>
    public static MinMaxAggregate Merge(in MinMaxAggregate older, in MinMaxAggregate newer) =>
        new(Math.Max(older.Max, newer.Max), Math.Min(older.Min, newer.Min));
}
