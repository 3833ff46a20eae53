
namespace Dvar.Cli.Tests.Interleaving;

/// <summary>Runs one after the other on one folder (each possibly cancelled, each possibly meeting a second run).</summary>
/// <param name="Operations">The runs, in order.</param>
public sealed record FolderInterleaving(IReadOnlyList<FolderOperation> Operations)
{
    /// <inheritdoc/>
    public override string ToString() => string.Join("; then ", Operations);
}
