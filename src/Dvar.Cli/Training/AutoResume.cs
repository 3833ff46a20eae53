using Dvar.Cli.Input;
using Dvar.Cli.Ownership;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Training;

/// <summary>What <c>--resume auto</c> does with an output folder, decided from its <see cref="TrainingOptionsRecord"/> before
/// the model loads, so that a scheduler can restart the same command line whatever happened to the previous attempt.</summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>the folder holds</term><description>decision</description></listheader>
/// <item><term>no run (no file a run writes, no checkpoint)</term><description>start afresh</description></item>
/// <item><term>an unfinished run of the same options with a checkpoint of its own</term><description>resume from its newest
/// checkpoint</description></item>
/// <item><term>an unfinished run of the same options without one (killed before its first checkpoint)</term><description>start
/// afresh, replacing what it left as <c>--overwrite</c> does</description></item>
/// <item><term>the finished run of the same options</term><description>exit 0 at once: already complete</description></item>
/// <item><term>a run of other options, finished or not, or a run without <c>training-options.json</c></term><description>refuse
/// (exit 3), changing nothing</description></item>
/// </list>
/// </remarks>
internal static class AutoResume
{
    /// <summary>Decides what to do with the folder.</summary>
    /// <param name="folder">The folder's full path (owned by this run).</param>
    /// <param name="given">The folder as given, for messages.</param>
    /// <param name="request">This command's request.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="InputDataException">The folder holds a run this command must not touch; the message says why.</exception>
    public static AutoResumeDecision Decide(string folder, string given, TrainRequest request)
    {
        var found = EarlierResults.Find(folder);
        var record = TrainingOptionsRecord.Read(folder);
        if (record is null)
        {
            return found.Count == 0
                ? new AutoResumeDecision(null, null)
                : throw new InputDataException(
                    $"--resume auto: --out '{given}' holds a run ({EarlierResults.Describe(found)}) without {TrainingOptionsRecord.FileName}, so its options are unknown "
                    + "(a run of an earlier dvar version); continue it with --resume, replace it with --overwrite, or choose another folder. Nothing was changed.");
        }

        if (TrainingOptionsRecord.FirstDifference(record.Options, TrainingOptionsRecord.OptionsOf(request)) is { } difference)
        {
            throw new InputDataException(
                $"--resume auto: --out '{given}' holds {(record.Complete ? "a finished run" : "a run")} of other options ({difference.Name}: {difference.Recorded} there, "
                + $"{difference.Given} in this command); replace it with --overwrite, or choose another folder. Nothing was changed.");
        }

        if (record.Complete)
        {
            string summary = Path.Combine(folder, PersonalizationTrainer.SummaryFileName);
            return File.Exists(summary)
                ? new AutoResumeDecision(null, summary)
                : throw new InputDataException(
                    $"--resume auto: --out '{given}' holds a run marked complete in {TrainingOptionsRecord.FileName} but without {PersonalizationTrainer.SummaryFileName}; "
                    + "replace it with --overwrite, or choose another folder. Nothing was changed.");
        }

        string? checkpoint = PersonalizationTrainer.FindLatestCheckpoint(folder);
        bool own = checkpoint is not null && !record.EarlierCheckpoints.Contains(Path.GetFileName(checkpoint), StringComparer.Ordinal);
        return new AutoResumeDecision(own ? checkpoint : null, null);
    }
}
