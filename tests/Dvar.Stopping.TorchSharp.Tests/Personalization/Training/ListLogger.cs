using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>A logger that keeps every entry with its event and structured values.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, EventId Event, string Message, IReadOnlyDictionary<string, object?> Values)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.ToDictionary(kv => kv.Key, kv => kv.Value)
            : new Dictionary<string, object?>();
        Entries.Add((logLevel, eventId, formatter(state, exception), values));
    }
}
