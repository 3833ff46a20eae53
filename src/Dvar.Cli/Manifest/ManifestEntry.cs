namespace Dvar.Cli.Manifest;

/// <summary>One entry of a <see cref="ConceptManifest"/>.</summary>
/// <param name="Line">Its line number in the file (from 1).</param>
/// <param name="Method">The method's subcommand name.</param>
/// <param name="Output">Its output folder.</param>
/// <param name="Arguments">The <c>dvar train</c> arguments it stands for, starting with the method.</param>
internal sealed record ManifestEntry(int Line, string Method, string Output, IReadOnlyList<string> Arguments);
