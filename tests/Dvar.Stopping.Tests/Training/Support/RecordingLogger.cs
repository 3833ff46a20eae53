using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.Tests.Training.Support;

/// <summary>An <see cref="ILogger"/> that keeps every entry, with its structured values, for assertions.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<LogEntry> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        Entries.Add(new LogEntry(logLevel, eventId, formatter(state, exception), values.ToDictionary(p => p.Key, p => p.Value)));
    }
}
