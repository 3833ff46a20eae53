namespace Dvar.Cli.Output;

/// <summary>The values of <c>--format</c>.</summary>
internal enum OutputFormat
{
    /// <summary><c>text</c>: a short summary for people.</summary>
    Text,

    /// <summary><c>json</c>: exactly one JSON object, for scripts.</summary>
    Json,
}
