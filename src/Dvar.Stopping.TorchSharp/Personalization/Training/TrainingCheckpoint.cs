using System.Globalization;
using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Writes and restores training checkpoints: <c>checkpoints/step-NNNNNNNN/</c> under the output folder.</summary>
/// <remarks>
/// <para>A checkpoint folder holds <c>trainable.safetensors</c> (the trainable parameters by name),
/// <c>optimizer.bin</c> (TorchSharp's AdamW state: step, exp_avg, exp_avg_sq), <c>monitor.json</c> (the stopping
/// monitor: criterion state and history), <c>generators.safetensors</c> (the training and evaluator generator states) and
/// <c>checkpoint.json</c> (the step, the timers and the options a resume must repeat), and with sample scoring
/// <c>scoring.json</c> (scores, scoring criterion, time) and <c>scoring-best.safetensors</c> (the best-scoring parameters).</para>
/// <para>Atomic: everything is written into a hidden temporary sibling folder that is then renamed into place, so a
/// checkpoint folder is complete or absent. After the rename the older checkpoints are deleted; the newest one always
/// survives.</para>
/// </remarks>
internal static class TrainingCheckpoint
{
    /// <summary>The folder under the output folder that holds the checkpoints.</summary>
    public const string FolderName = "checkpoints";

    private const string Prefix = "step-";
    private const string ManifestFile = "checkpoint.json";
    private const string ParametersFile = "trainable.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private const string MonitorFile = "monitor.json";
    private const string GeneratorsFile = "generators.safetensors";
    private const string TrainingGeneratorKey = "training";
    private const string EvaluationGeneratorKey = "evaluation";

    /// <summary>Writes a checkpoint of the session's current state.</summary>
    /// <param name="session">The session.</param>
    /// <param name="outputFolder">The run's output folder.</param>
    /// <returns>The checkpoint folder.</returns>
    public static string Write(TrainingSession session, string outputFolder)
    {
        string root = Path.GetFullPath(Path.Combine(outputFolder, FolderName));
        Directory.CreateDirectory(root);
        string name = Prefix + session.Step.ToString("D8", CultureInfo.InvariantCulture);
        string final = Path.Combine(root, name);
        string temporary = Path.Combine(root, $".{name}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temporary);
        try
        {
            WriteContents(session, temporary);
            SwapIn(temporary, final);
        }
        catch
        {
            TryDeleteFolder(temporary);
            throw;
        }

        foreach (string older in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            if (!string.Equals(Path.GetFileName(older), name, StringComparison.Ordinal))
            {
                TryDeleteFolder(older);
            }
        }

        return final;
    }

    /// <summary>Restores a session (built from the same options) to a checkpoint.</summary>
    /// <param name="session">A new session, before any step.</param>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="paramName">The argument to name when the checkpoint belongs to another run.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A checkpoint file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, truncated or does not fit the method's parameters; the
    /// message starts with the file's path.</exception>
    /// <exception cref="ArgumentException">The checkpoint was written with other run options (the message names the option).</exception>
    /// <exception cref="FormatException">The monitor state does not fit the criterion (see <c>StoppingMonitor.RestoreState</c>).</exception>
    public static void Restore(TrainingSession session, string folder, string paramName)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Checkpoint folder not found: {folder}");
        }

        var manifest = CheckpointManifest.Read(Path.Combine(folder, ManifestFile));
        manifest.CheckSameRun(session.Options, paramName);
        RestoreParameters(session, Path.Combine(folder, ParametersFile));
        RestoreOptimizer(session, Require(Path.Combine(folder, OptimizerFile)));
        session.Monitor.RestoreStateFile(Require(Path.Combine(folder, MonitorFile)));
        RestoreGenerators(session, Require(Path.Combine(folder, GeneratorsFile)));
        session.Scoring?.Restore(folder);
        session.RestoreCounters(manifest.Step, manifest.LastTrainingLoss, manifest.TrainingTime, manifest.EvaluationTime);
    }

    /// <summary>The newest complete checkpoint under an output folder, or null when there is none.</summary>
    /// <param name="outputFolder">The run's output folder.</param>
    /// <returns>The checkpoint folder, or null.</returns>
    public static string? FindLatest(string outputFolder)
    {
        string root = Path.Combine(outputFolder, FolderName);
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.EnumerateDirectories(root, Prefix + "*")
            .Where(d => File.Exists(Path.Combine(d, ManifestFile)))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .LastOrDefault();
    }

    private static void WriteContents(TrainingSession session, string folder)
    {
        SafetensorsFile.Write(
            Path.Combine(folder, ParametersFile),
            session.Method.TrainableParameters.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter)));
        using (var stream = new FileStream(Path.Combine(folder, OptimizerFile), FileMode.CreateNew))
        using (var writer = new BinaryWriter(stream))
        {
            session.Optimizer.save_state_dict(writer);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        session.Monitor.SaveStateFile(Path.Combine(folder, MonitorFile));
        session.Scoring?.Save(folder);
        using var training = session.Generator.get_state();
        using var evaluation = session.Evaluator?.Generator.get_state();
        var states = new Dictionary<string, Tensor> { [TrainingGeneratorKey] = training };
        if (evaluation is not null)
        {
            states[EvaluationGeneratorKey] = evaluation;
        }

        SafetensorsFile.Write(Path.Combine(folder, GeneratorsFile), states);
        new CheckpointManifest(
            session.Step, session.LastTrainingLoss, session.TrainingTime, session.EvaluationTime, CheckpointManifest.RunOf(session.Options))
            .Write(Path.Combine(folder, ManifestFile));
    }

    private static void SwapIn(string temporary, string final)
    {
        if (!Directory.Exists(final))
        {
            Directory.Move(temporary, final);
            return;
        }

        // A checkpoint of this step exists already (e.g. cancelled right after a periodic one): replace it, keeping one
        // complete copy on disk at every moment.
        string old = $"{temporary[..^".tmp".Length]}.old";
        Directory.Move(final, old);
        Directory.Move(temporary, final);
        TryDeleteFolder(old);
    }

    private static void RestoreParameters(TrainingSession session, string path)
    {
        var saved = SafetensorsFile.ReadAll(Require(path));
        try
        {
            var expected = session.Method.TrainableParameters;
            var unexpected = saved.Keys.Except(expected.Select(p => p.Name), StringComparer.Ordinal).ToList();
            if (unexpected.Count > 0)
            {
                throw new InvalidDataException($"{path}: unexpected parameters {string.Join(", ", unexpected)} (not trained by {session.Method.Name}).");
            }

            using var noGrad = no_grad();
            foreach (var (name, parameter) in expected)
            {
                if (!saved.TryGetValue(name, out var tensor))
                {
                    throw new InvalidDataException($"{path}: parameter '{name}' is missing.");
                }

                if (!tensor.shape.SequenceEqual(parameter.shape) || tensor.dtype != parameter.dtype)
                {
                    throw new InvalidDataException(
                        $"{path}: parameter '{name}' is {tensor.dtype} [{string.Join(", ", tensor.shape)}]; the method has {parameter.dtype} [{string.Join(", ", parameter.shape)}].");
                }

                parameter.copy_(tensor);
            }
        }
        finally
        {
            foreach (var tensor in saved.Values)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Loads AdamW's state. TorchSharp's reader knows nothing of the file, so a truncated or damaged file (which it
    /// reports as "Attempted to read past the end of the stream", a bad 7-bit integer or mismatched tensor types) becomes an
    /// <see cref="InvalidDataException"/> that names the file; so do bytes left over after the state.</summary>
    private static void RestoreOptimizer(TrainingSession session, string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            session.Optimizer.load_state_dict(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException or InvalidOperationException
            or OverflowException or IndexOutOfRangeException or System.Runtime.InteropServices.ExternalException
            || (e is IOException && e is not FileNotFoundException))
        {
            throw new InvalidDataException(
                $"{path}: the optimizer state cannot be read; the file is truncated or damaged ({e.GetType().Name}: {e.Message}).", e);
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException(
                $"{path}: the optimizer state ends at byte {stream.Position} but the file has {stream.Length} bytes; the file is damaged.");
        }
    }

    private static void RestoreGenerators(TrainingSession session, string path)
    {
        var states = SafetensorsFile.ReadAll(path);
        try
        {
            session.Generator.set_state(Get(states, TrainingGeneratorKey, path));
            session.Evaluator?.Generator.set_state(Get(states, EvaluationGeneratorKey, path));
        }
        finally
        {
            foreach (var tensor in states.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static Tensor Get(Dictionary<string, Tensor> states, string key, string path) =>
        states.TryGetValue(key, out var state) ? state : throw new InvalidDataException($"{path}: the {key} generator state is missing.");

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"Checkpoint file missing: {path}", path);

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover folder must not hide the outcome; it is hidden (dot) or an older checkpoint.
        }
    }
}
