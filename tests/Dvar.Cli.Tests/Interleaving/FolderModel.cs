
namespace Dvar.Cli.Tests.Interleaving;

/// <summary>What the documented behaviour of <c>--out</c> predicts for a folder that only ever sees runs with the same
/// options: whether it holds a finished run, and the step of its checkpoint.</summary>
internal sealed class FolderModel
{
    private readonly int _maxSteps;

    public FolderModel(int maxSteps)
    {
        _maxSteps = maxSteps;
    }

    /// <summary>Whether a run has completed in the folder (its artifacts, history and summary are there).</summary>
    public bool Finished { get; private set; }

    /// <summary>The step of the checkpoint in the folder, or null.</summary>
    public int? Checkpoint { get; private set; }

    /// <summary>The prediction for one run: its exit code; whether its second run (if any) meets it while it holds the
    /// folder. Updates the model.</summary>
    public (int ExitCode, bool SecondMeetsIt) Apply(FolderOperation operation)
    {
        bool refused = operation.Kind switch
        {
            FolderOperationKind.Start => Finished || Checkpoint is not null,
            FolderOperationKind.Resume => Checkpoint is null,
            _ => false,
        };
        if (refused)
        {
            return (ExitCodes.InputData, false);
        }

        // Progress lines: every step from 0 for a new run, from the step after the checkpoint for a resumed one; a
        // cancelled run prints none after the line that cancelled it.
        int first = operation.Kind == FolderOperationKind.Resume ? Checkpoint!.Value + 1 : 0;
        bool cancelled = operation.CancelAtStep is { } cancel && cancel >= first && cancel < _maxSteps;
        int last = cancelled ? operation.CancelAtStep!.Value : _maxSteps;
        bool secondMeetsIt = operation.SecondAtStep is { } second && second >= first && second <= last;
        if (cancelled)
        {
            Checkpoint = operation.CancelAtStep; // the cancel's checkpoint replaces any older one
            return (ExitCodes.Cancelled, secondMeetsIt);
        }

        Finished = true;
        if (operation.Kind != FolderOperationKind.Resume)
        {
            Checkpoint = null; // a new run writes none (no --checkpoint-every); --overwrite deletes the earlier one
        }

        return (ExitCodes.Success, secondMeetsIt);
    }
}
