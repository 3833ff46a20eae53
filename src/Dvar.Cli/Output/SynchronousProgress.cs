namespace Dvar.Cli.Output;

/// <summary>An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, at once (unlike
/// <see cref="Progress{T}"/>, which posts to the thread pool and may reorder or outlive the work).</summary>
/// <typeparam name="T">The report type.</typeparam>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;

    /// <summary>Creates the progress.</summary>
    /// <param name="handler">Called for each report.</param>
    public SynchronousProgress(Action<T> handler)
    {
        _handler = handler;
    }

    /// <inheritdoc/>
    public void Report(T value) => _handler(value);
}
