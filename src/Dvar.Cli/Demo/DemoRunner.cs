using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Dvar.Cli.Input;
using Dvar.Cli.Output;
using Dvar.Demo;
using Dvar.Demo.Training;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using static TorchSharp.torch;

namespace Dvar.Cli.Demo;

/// <summary>The action of <c>dvar demo</c>: writes the concepts' photos, runs every (method, concept) job on the shipped
/// toy pipeline, draws each job's figure and sample grid, and writes and prints the summary.</summary>
internal static class DemoRunner
{
    /// <summary>Runs the demo.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="output">Standard output: the table and the checks (or the JSON summary).</param>
    /// <param name="error">Standard error: progress.</param>
    /// <param name="session">Progress mode and cancellation.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">An option is out of range.</exception>
    /// <exception cref="InputDataException">The shipped models are missing, or the output folder cannot be written, is in use
    /// by another run or holds an earlier demo (without <c>--overwrite</c>).</exception>
    /// <exception cref="CommandCancelledException">The session was cancelled.</exception>
    public static int Run(DemoRequest request, TextWriter output, TextWriter error, CliSession session)
    {
        Check(request);
        var clock = Stopwatch.StartNew();
        string assets = request.Assets ?? DemoAssets.DefaultFolder;
        try
        {
            DemoAssets.Check(assets);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new InputDataException(e.Message, innerException: e);
        }

        // The folder is this demo's until the command ends: a busy, occupied or unwritable folder fails before any job.
        using var owned = DemoOutputFolder.Claim(request.Output, request.Overwrite);
        string folder = owned.Path;
        var concepts = Enumerable.Range(0, request.Concepts).Select(k => ToyWorld.Concept(k)).ToList();
        var photoFolders = WritePhotos(folder, concepts);
        var jobs = (from method in request.Methods
                    from concept in concepts
                    let recipe = DemoRecipe.For(method)
                    select new DemoJob(
                        recipe,
                        concept,
                        assets,
                        photoFolders[concept.Name],
                        Path.Combine(folder, "runs", Commands.TrainMethodCommand.NameOf(method), concept.Name),
                        request.Budget ?? recipe.Budget,
                        request.Seed)).ToList();
        int workers = Math.Min(request.Workers, jobs.Count);
        int threads = Math.Max(1, Environment.ProcessorCount / workers);
        set_num_threads(threads);

        var line = new ProgressLine(error, session.ProgressIsTerminal);
        var display = new DemoProgressDisplay(line, session.ProgressIsTerminal, clock, jobs.Count);
        var results = RunJobs(jobs, workers, display, session.Cancellation);
        display.End();

        int budget = request.Budget ?? jobs[0].Recipe.Budget;
        string overlay = Path.Combine(folder, "train-loss-overlay.png");
        DemoFigures.WriteOverlay(overlay, results);
        var summary = new DemoSummary(folder, results, DemoTableRow.From(results), DemoChecks.Compute(results, budget), clock.Elapsed, budget, request.Seed, workers, threads, overlay);
        var (json, markdown) = DemoSummaryWriter.Write(summary);
        owned.DeleteLeftovers(
            [.. request.Methods.Select(Commands.TrainMethodCommand.NameOf)], [.. concepts.Select(c => c.Name)], error);
        if (request.Format == OutputFormat.Json)
        {
            output.WriteLine(DemoSummaryWriter.Json(summary).ToJsonString());
            return ExitCodes.Success;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dvar demo: {results.Count} jobs in {clock.Elapsed.TotalMinutes:F1} min ({workers} side by side, {threads} libtorch thread(s) each)."));
        output.WriteLine();
        output.Write(DemoSummaryWriter.Table(summary.Table));
        output.WriteLine();
        output.Write(DemoSummaryWriter.Checks(summary.Checks));
        output.WriteLine();
        output.WriteLine($"summary: {markdown}");
        output.WriteLine($"         {json}");
        output.WriteLine($"figures: {Path.Combine(folder, "runs")}/<method>/<concept>/figure.png and samples.png, {overlay}");
        return ExitCodes.Success;
    }

    private static void Check(DemoRequest request)
    {
        if (request.Methods.Count == 0)
        {
            throw new UsageException("--method: give at least one method.");
        }

        if (request.Concepts < 1 || request.Concepts > ToyWorld.HeldOut.Count)
        {
            throw new UsageException($"--concepts must be 1 to {ToyWorld.HeldOut.Count}; got {request.Concepts}.");
        }

        if (request.Budget is < 1)
        {
            throw new UsageException($"--budget must be at least 1; got {request.Budget}.");
        }

        if (request.Workers < 1)
        {
            throw new UsageException($"--workers must be at least 1; got {request.Workers}.");
        }
    }

    private static Dictionary<string, string> WritePhotos(string folder, IReadOnlyList<ToyConcept> concepts)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var concept in concepts)
            {
                string photos = Path.Combine(folder, "concepts", concept.Name);
                DemoTraining.WritePhotos(concept, photos);
                folders[concept.Name] = photos;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--out '{folder}' cannot be written: {e.Message}", innerException: e);
        }

        return folders;
    }

    private static List<DemoJobResult> RunJobs(List<DemoJob> jobs, int workers, DemoProgressDisplay display, CancellationToken cancellation)
    {
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, jobs.Count));
        var results = new DemoJobResult?[jobs.Count];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var failures = new ConcurrentQueue<Exception>();
        var progress = new SynchronousProgress<DemoJobProgress>(display.Report);
        var threads = Enumerable.Range(0, workers).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested && queue.TryDequeue(out int index))
            {
                try
                {
                    var job = jobs[index];
                    var (result, samples) = job.Run(progress, stop.Token);
                    using (samples)
                    {
                        WriteJobFigures(job, result, samples);
                    }

                    results[index] = result;
                    display.Done(job.Name, string.Create(
                        CultureInfo.InvariantCulture,
                        $"DVAR stopped at {result.Runs[DemoRunKind.Dvar].StepsTrained}, CLIP-s at {result.Runs[DemoRunKind.ClipS].StepsTrained}, budget {result.Runs[DemoRunKind.Budget].StepsTrained}"));
                }
#pragma warning disable CA1031 // The first failure stops the other workers and is rethrown on the calling thread.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    failures.Enqueue(e);
                    stop.Cancel();
                }
            }
        })
        {
            IsBackground = true,
            Name = "dvar demo worker",
        }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        if (cancellation.IsCancellationRequested)
        {
            throw new CommandCancelledException("cancelled; the runs finished so far are in the output folder.", failures.FirstOrDefault());
        }

        if (failures.TryDequeue(out var failure))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return [.. results.Select(r => r!)];
    }

    private static void WriteJobFigures(DemoJob job, DemoJobResult result, DemoJobSamples samples)
    {
        using var photos = ConceptImages.Load(job.PhotoFolder, DemoTraining.PhotoOptions);
        var steps = new Dictionary<string, long>(StringComparer.Ordinal) { ["init"] = 0 };
        foreach (var (kind, run) in result.Runs)
        {
            steps[DemoNames.Of(kind)] = run.SavedStep;
        }

        DemoGrid.Write(result.GridPath, photos, samples, steps);
        DemoFigures.WriteJob(result);
    }
}
