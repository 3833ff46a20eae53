namespace Dvar.Stopping.Tests.Training.Support;

/// <summary>A synchronous <see cref="IProgress{T}"/> that keeps every report (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class ListProgress<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value) => Reports.Add(value);
}
