
namespace Dvar.Cli.Tests.Interleaving;

/// <summary>One <c>dvar train</c> run in an interleaving: how it starts, the progress line (step) at which Ctrl+C
/// cancels it, and the step at which a second run of <paramref name="SecondKind"/> starts on the same folder while this
/// one runs.</summary>
/// <param name="Kind">Start, resume or overwrite.</param>
/// <param name="CancelAtStep">The step whose progress line cancels the run, or null.</param>
/// <param name="SecondAtStep">The step whose progress line starts a second run on the folder, or null.</param>
/// <param name="SecondKind">How that second run starts.</param>
public sealed record FolderOperation(FolderOperationKind Kind, int? CancelAtStep, int? SecondAtStep, FolderOperationKind SecondKind)
{
    /// <inheritdoc/>
    public override string ToString() =>
        Kind + (CancelAtStep is { } c ? $" cancelled at step {c}" : string.Empty) + (SecondAtStep is { } s ? $" with a second {SecondKind} at step {s}" : string.Empty);
}
