using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dvar.Cli.Ownership;

/// <summary>Who holds an <see cref="OutputLock"/>: written next to the lock file by the holder, read by a run that finds the
/// lock taken, so that its error can name the other process.</summary>
/// <param name="ProcessId">The holder's process id.</param>
/// <param name="Host">The holder's machine (a folder on a network share can be locked from another machine).</param>
/// <param name="Command">The holder's command, e.g. <c>dvar train textual-inversion</c>.</param>
/// <param name="Started">When the holder took the lock (UTC).</param>
internal sealed record LockOwner(int ProcessId, string Host, string Command, DateTimeOffset Started)
{
    /// <summary>This process, running <paramref name="command"/>, now.</summary>
    /// <param name="command">The command, e.g. <c>dvar demo</c>.</param>
    /// <returns>The owner.</returns>
    public static LockOwner Current(string command) =>
        new(Environment.ProcessId, Environment.MachineName, command, DateTimeOffset.UtcNow);

    /// <summary>Reads an owner file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The owner, or null when the file is missing or unreadable (the holder is still writing it, or died).</returns>
    public static LockOwner? TryRead(string path)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject root
                || root["pid"] is not JsonValue pid || root["host"] is not JsonValue host
                || root["command"] is not JsonValue command || root["started"] is not JsonValue started)
            {
                return null;
            }

            return new LockOwner(
                pid.GetValue<int>(),
                host.GetValue<string>(),
                command.GetValue<string>(),
                DateTimeOffset.Parse(started.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The owner as one JSON line.</summary>
    /// <returns>The text.</returns>
    public string ToJson() => new JsonObject
    {
        ["pid"] = ProcessId,
        ["host"] = Host,
        ["command"] = Command,
        ["started"] = Started.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
    }.ToJsonString();

    /// <summary>For messages: <c>process 4242 on host, dvar train textual-inversion, started 2025-01-31 12:00:00Z</c>.</summary>
    /// <returns>The text.</returns>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"process {ProcessId} on {Host}, {Command}, started {Started.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
}
