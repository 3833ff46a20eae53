namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>A synchronous <see cref="IProgress{T}"/> that keeps every report (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class ListProgress<T> : IProgress<T>
{
    private readonly Action<T>? _onReport;

    /// <summary>Initializes a new instance of the <see cref="ListProgress{T}"/> class.</summary>
    /// <param name="onReport">Called after each report is kept (e.g. to cancel at a given step); null for nothing.</param>
    public ListProgress(Action<T>? onReport = null)
    {
        _onReport = onReport;
    }

    public List<T> Reports { get; } = [];

    public void Report(T value)
    {
        Reports.Add(value);
        _onReport?.Invoke(value);
    }
}
