namespace Dvar.Testing;

/// <summary>A synchronous <see cref="IProgress{T}"/> that keeps every report (<c>Progress&lt;T&gt;</c> would post to the thread pool).</summary>
/// <typeparam name="T">The report type.</typeparam>
public sealed class ListProgress<T> : IProgress<T>
{
    private readonly Action<T>? _onReport;

    /// <summary>Creates the recorder.</summary>
    /// <param name="onReport">Called after each report is kept (e.g. to cancel at a given step); null for nothing.</param>
    public ListProgress(Action<T>? onReport = null)
    {
        _onReport = onReport;
    }

    /// <summary>The reports, in order.</summary>
    public List<T> Reports { get; } = [];

    /// <summary>Keeps a report, then calls the callback.</summary>
    /// <param name="value">The report.</param>
    public void Report(T value)
    {
        Reports.Add(value);
        _onReport?.Invoke(value);
    }
}
