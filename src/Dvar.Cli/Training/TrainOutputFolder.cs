using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Input;
using Dvar.Cli.Ownership;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Training;

/// <summary>The <c>--out</c> folder of a <c>dvar train</c> run: owned by the run (<see cref="OwnedFolder"/>) from before the
/// model loads until the command ends, refused when it holds an earlier run unless <c>--resume</c>, <c>--resume auto</c>
/// (<see cref="AutoResume"/>) or <c>--overwrite</c> says what to do with it, and checked to be writable (also its
/// <c>checkpoints/</c>) before the first step. It also keeps the folder's <see cref="TrainingOptionsRecord"/>.</summary>
/// <remarks>
/// <para>A folder holds an earlier run when it has any file a run writes (<see cref="EarlierResults"/>):
/// <c>training-summary.json</c>, <c>history.csv</c>, <c>history.png</c>, <c>scores.csv</c>, a <c>*.safetensors</c>
/// artifact, a checkpoint (<c>checkpoints/step-*</c>, also of a cancelled run), or a demo's results. Other files are the
/// user's and are never touched.</para>
/// <para>With <c>--overwrite</c> nothing is deleted in advance: the new run replaces each file when it writes it (its first
/// checkpoint replaces the earlier checkpoints; the artifacts, <c>history.csv</c>, <c>history.png</c> and
/// <c>training-summary.json</c> are replaced at its end, each atomically). A new run that fails or is cancelled therefore
/// leaves the earlier run's results in place. Once it has completed (also after a Ctrl+C and <c>--resume</c>),
/// <see cref="DeleteLeftovers"/> deletes what is left of the earlier run and was not replaced (files its summary lists,
/// its <c>history.png</c>, older checkpoints), so the folder then describes one run only.</para>
/// </remarks>
internal sealed class TrainOutputFolder : IDisposable
{
    /// <summary>The plot <c>dvar train</c> draws next to <c>history.csv</c>.</summary>
    public const string HistoryPlotFileName = "history.png";

    private readonly OwnedFolder _folder;
    private readonly IReadOnlyList<string> _earlierRun;

    private TrainingOptionsRecord? _record;
    private TrainingOptionsRecord? _recordBefore;

    private TrainOutputFolder(OwnedFolder folder, string? checkpoint, IReadOnlyList<string> earlierRun, string? completeSummary = null)
    {
        _folder = folder;
        Checkpoint = checkpoint;
        _earlierRun = earlierRun;
        CompleteSummary = completeSummary;
    }

    /// <summary>With <c>--resume</c>, or <c>--resume auto</c> that found an unfinished run of the same options: the newest
    /// checkpoint to continue from; otherwise null.</summary>
    public string? Checkpoint { get; }

    /// <summary>With <c>--resume auto</c> that found the finished run of the same options: its <c>training-summary.json</c>
    /// (the command then trains nothing); otherwise null.</summary>
    public string? CompleteSummary { get; }

    /// <summary>Takes the folder for a run.</summary>
    /// <param name="request">The run: its <c>--out</c>, <c>--resume</c> and <c>--overwrite</c>.</param>
    /// <param name="command">The command, e.g. <c>dvar train textual-inversion</c>.</param>
    /// <returns>The folder; dispose it when the command ends.</returns>
    /// <exception cref="InputDataException">The folder cannot be created or written, another run holds it, it holds an
    /// earlier run and neither <c>--resume</c> nor <c>--overwrite</c> was given, <c>--resume</c> finds no checkpoint, or
    /// <c>--resume auto</c> finds a run it must not touch.</exception>
    /// <exception cref="UsageException"><c>--resume auto</c> with <c>--overwrite</c>.</exception>
    public static TrainOutputFolder Claim(TrainRequest request, string command)
    {
        if (request.ResumeAuto && request.Overwrite)
        {
            throw new UsageException("--resume auto continues or starts the run in --out and --overwrite replaces it; give one of them.");
        }

        var folder = OwnedFolder.Claim("--out", request.Output, command);
        try
        {
            var found = EarlierResults.Find(folder.Path);
            if (request.ResumeAuto)
            {
                var decision = AutoResume.Decide(folder.Path, request.Output, request);
                if (decision.CompleteSummary is null)
                {
                    folder.CheckFilesAreNotFolders(EarlierResults.TrainFiles);
                    folder.ProbeSubfolder(EarlierResults.CheckpointsFolderName);
                }

                return new TrainOutputFolder(folder, decision.Checkpoint, found.Count > 0 ? EarlierRunPaths(folder.Path) : [], decision.CompleteSummary);
            }

            string? checkpoint = PersonalizationTrainer.FindLatestCheckpoint(folder.Path);
            if (request.Resume && checkpoint is null)
            {
                throw new InputDataException(
                    $"--resume: there is no checkpoint in '{request.Output}' (checkpoints/step-*) to continue from; run without --resume to start afresh"
                    + (found.Count > 0 ? $", with --overwrite to replace the earlier run there ({EarlierResults.Describe(found)})." : "."));
            }

            if (!request.Resume && !request.Overwrite && found.Count > 0)
            {
                string choices = checkpoint is not null
                    ? "continue it with --resume, replace it with --overwrite, or choose another folder"
                    : "it has no checkpoint to --resume from: replace it with --overwrite, or choose another folder";
                throw new InputDataException($"--out '{request.Output}' holds an earlier run ({EarlierResults.Describe(found)}); {choices}. Nothing was changed.");
            }

            folder.CheckFilesAreNotFolders(EarlierResults.TrainFiles);
            folder.ProbeSubfolder(EarlierResults.CheckpointsFolderName);
            return new TrainOutputFolder(folder, request.Resume ? checkpoint : null, found.Count > 0 ? EarlierRunPaths(folder.Path) : []);
        }
        catch
        {
            folder.Abandon();
            throw;
        }
    }

    /// <summary>After a completed run into a folder that held one (<c>--overwrite</c>, or <c>--resume</c> of a run whose
    /// folder still holds an earlier summary): deletes the earlier run's files and checkpoints that this run did not
    /// write again. A resumed run's own files are all written again, so only another run's leftovers go. A file that
    /// cannot be deleted gets a warning on standard error; the run has succeeded.</summary>
    /// <param name="result">The new run's result.</param>
    /// <param name="plot">The new run's <c>history.png</c>, or null when it drew none.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="command">The command, for the warning.</param>
    public void DeleteLeftovers(TrainingResult result, string? plot, TextWriter error, string command)
    {
        var written = new HashSet<string>(
            new[] { result.HistoryCsvPath, result.SummaryPath, result.ScoresCsvPath, result.CheckpointPath, plot }
                .Concat(result.ArtifactPaths)
                .OfType<string>()
                .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))),
            StringComparer.Ordinal);
        foreach (string path in _earlierRun.Where(p => !written.Contains(p)))
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
                else
                {
                    File.Delete(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{command}: warning: {path}, left by the earlier run in --out, could not be deleted ({e.Message})");
            }
        }

        string checkpoints = Path.Combine(_folder.Path, EarlierResults.CheckpointsFolderName);
        if (_earlierRun.Count > 0 && Directory.Exists(checkpoints) && !Directory.EnumerateFileSystemEntries(checkpoints).Any())
        {
            try
            {
                Directory.Delete(checkpoints);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An empty checkpoints/ folder says nothing wrong about the run.
            }
        }
    }

    /// <summary>Records this run's options in <see cref="TrainingOptionsRecord.FileName"/> just before its first step, as
    /// unfinished: a new run always (with the checkpoints already in the folder as another run's), a resumed run only when
    /// its options differ from the recorded ones.</summary>
    /// <param name="request">The run's request.</param>
    public void BeginRun(TrainRequest request)
    {
        var options = TrainingOptionsRecord.OptionsOf(request);
        try
        {
            _recordBefore = TrainingOptionsRecord.Read(_folder.Path);
        }
        catch (InputDataException)
        {
            _recordBefore = null; // An unreadable record is replaced; only --resume auto refuses it.
        }

        if (Checkpoint is null)
        {
            _record = new TrainingOptionsRecord(options, false, [.. EarlierResults.CheckpointFolders(_folder.Path).Select(Path.GetFileName).OfType<string>()]);
        }
        else if (_recordBefore is { } before && TrainingOptionsRecord.FirstDifference(before.Options, options) is null && !before.Complete)
        {
            _record = before;
            return;
        }
        else
        {
            string resumed = Path.GetFileName(Checkpoint);
            _record = new TrainingOptionsRecord(options, false, [.. (_recordBefore?.EarlierCheckpoints ?? []).Where(c => c != resumed)]);
        }

        _record.Write(_folder.Path);
    }

    /// <summary>After a resume that could not start (its checkpoint was refused): puts back the record that was there.</summary>
    public void RevertRun()
    {
        if (_record is null || ReferenceEquals(_record, _recordBefore))
        {
            return;
        }

        if (_recordBefore is { } before)
        {
            before.Write(_folder.Path);
        }
        else
        {
            File.Delete(Path.Combine(_folder.Path, TrainingOptionsRecord.FileName));
        }
    }

    /// <summary>After the run's results are written: marks its record complete, so that <c>--resume auto</c> with the same
    /// options exits at once.</summary>
    public void CompleteRun()
    {
        if (_record is { } record)
        {
            (record with { Complete = true, EarlierCheckpoints = [] }).Write(_folder.Path);
        }
    }

    /// <summary>Releases the folder.</summary>
    public void Dispose() => _folder.Dispose();

    /// <summary>The earlier run's files that a new run may leave: those its summary lists (artifacts, history, scores,
    /// checkpoint), its plot, and every checkpoint folder. Full paths, inside the folder only.</summary>
    private static List<string> EarlierRunPaths(string folder)
    {
        var paths = new List<string> { Path.Combine(folder, HistoryPlotFileName) };
        paths.AddRange(EarlierResults.CheckpointFolders(folder));
        try
        {
            if (JsonNode.Parse(File.ReadAllText(Path.Combine(folder, PersonalizationTrainer.SummaryFileName))) is JsonObject summary)
            {
                var listed = new List<JsonNode?> { summary["history"], summary["checkpoint"], (summary["scoring"] as JsonObject)?["scores"] };
                listed.AddRange(summary["artifacts"] as JsonArray ?? []);
                paths.AddRange(listed.OfType<JsonValue>()
                    .Select(v => v.TryGetValue(out string? relative) ? relative : null)
                    .OfType<string>()
                    .Select(relative => Path.GetFullPath(Path.Combine(folder, relative))));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException or NotSupportedException)
        {
            // No summary (a cancelled run) or an unreadable one: only the plot and the checkpoints are known.
        }

        string inside = Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar;
        return [.. paths
            .Select(p => Path.TrimEndingDirectorySeparator(p))
            .Where(p => p.StartsWith(inside, StringComparison.Ordinal) && (File.Exists(p) || Directory.Exists(p)))
            .Distinct(StringComparer.Ordinal)];
    }
}
