using Microsoft.Extensions.Logging;

namespace Dvar.Stopping.Tests.Training.Support;

/// <summary>One entry captured by <see cref="RecordingLogger"/>.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Values);
