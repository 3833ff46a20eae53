using System.Globalization;
using Dvar.Cli.Diagnostics;
using Dvar.Cli.Evaluation;
using Dvar.Cli.Input;
using Dvar.Cli.Models;
using Dvar.Cli.Output;
using Dvar.Cli.Plotting;
using Dvar.Cli.Replay;
using Dvar.Stopping;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Training;

/// <summary>The action of <c>dvar train</c>: loads the pipeline and the concept, attaches the method, trains with the
/// <see cref="PersonalizationTrainer"/> until the criterion fires or the cap, and reports. The only place the command
/// touches TorchSharp.</summary>
internal static class TrainRunner
{
    /// <summary>Runs a training request.</summary>
    /// <param name="request">What to train.</param>
    /// <param name="output">Standard output: the summary.</param>
    /// <param name="error">Standard error: progress.</param>
    /// <param name="session">Progress mode and cancellation.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">An option is invalid or does not fit the model.</exception>
    /// <exception cref="InputDataException">A folder or file is missing or does not load, there is no checkpoint to resume, or
    /// <c>--out</c> cannot be created or written, is in use by another run, or holds an earlier run without <c>--resume</c>
    /// or <c>--overwrite</c>.</exception>
    /// <exception cref="CommandCancelledException">The session was cancelled; a checkpoint was written.</exception>
    public static int Run(TrainRequest request, TextWriter output, TextWriter error, CliSession session)
    {
        CheckRequest(request);
        string command = $"dvar train {Commands.TrainMethodCommand.NameOf(request.Method)}";

        // The folder is this run's from before the model loads (a busy, occupied or unwritable folder fails at once)
        // until the command ends; the operating system releases it if the process dies.
        using var folder = TrainOutputFolder.Claim(request, command);
        if (folder.CompleteSummary is { } complete)
        {
            return AlreadyComplete.Report(complete, request, output, command);
        }

        using var logging = CliLogging.Create(request.Verbose);
        var logger = logging.CreateLogger("dvar.train");
        using var pipeline = PipelineLoader.Load(request.Model);
        if (request.GenerateClassImages is int count)
        {
            ClassImageGenerator.Fill(pipeline, request.ClassImages!, request.ClassPrompt!, count, request.Resolution, error, command, session.Cancellation);
        }

        var templates = Guarded(() => MethodBuilder.Templates(request.Templates));
        using var method = Guarded(() => MethodBuilder.Create(request, templates));
        Guarded(() => method.Attach(pipeline));
        using var data = LoadConcept(request, pipeline, method, templates ?? method.Defaults.Templates);
        WarnAboutLongPrompts(pipeline, data, error, command);
        var kind = request.Criterion ?? CriterionKind.Dvar;
        var criterion = CriterionFactory.Create(kind, request.CriterionParameters, method.Defaults.Dvar, ClipSPreset(request.Method));
        using var clip = request.Clip is { } clipFolder ? MetricLoader.LoadClip(clipFolder, request.Model) : null;
        using var scorer = clip is null ? null : Guarded(() => new ConceptScorer(clip, data, ScorerOptions(request, method)));
        var options = Options(request, method, data, criterion, kind == CriterionKind.ClipS, scorer);
        using var evaluation = EvaluationCopy.Load(request, templates, evaluates: options.EvaluationFrequency > 0);
        if (evaluation is not null && request.EvaluationDtype is null)
        {
            // A default that loads the model a second time says so: it costs the memory of a float32 copy.
            string dtype = request.Model.Dtype.ToString().ToLowerInvariant();
            error.WriteLine($"{command}: computing L_det on a float32 copy of the model, the CPU default with --dtype {dtype} that keeps DVAR's decision (--eval-dtype {dtype} evaluates on the training copy instead).");
        }

        options = options with { EvaluationMethod = evaluation?.Method };
        var line = new ProgressLine(error, session.ProgressIsTerminal);
        var display = new TrainingProgressDisplay(line, request.ProgressEvery, CriterionFactory.NameOf(kind), ShownThreshold(kind, request.CriterionParameters, method, request.Method));
        var trainer = Guarded(() => new PersonalizationTrainer(options, logger, display));
        string? checkpoint = folder.Checkpoint;
        TrainingResult result;
        folder.BeginRun(request);
        try
        {
            result = checkpoint is null ? trainer.Train(session.Cancellation) : Resume(trainer, checkpoint, session.Cancellation);
        }
        catch (Exception e) when (checkpoint is not null && e is UsageException or InputDataException)
        {
            folder.RevertRun(); // The checkpoint was refused: the folder still holds the run it held.
            throw;
        }
        catch (Exception e) when (checkpoint is null && e is IOException or UnauthorizedAccessException)
        {
            // Checked before the first step; this is the folder failing later (a full disk, permissions changed).
            line.End();
            throw new InputDataException($"--out '{request.Output}' cannot be written: {e.Message}", innerException: e);
        }
        catch (OperationCanceledException e) when (session.Cancellation.IsCancellationRequested)
        {
            line.End();
            string written = PersonalizationTrainer.FindLatestCheckpoint(request.Output) ?? request.Output;
            throw new CommandCancelledException(
                $"cancelled; checkpoint written to {Path.GetFullPath(written)}. Run the same command with --resume to continue.", e);
        }

        line.End();
        long maxSteps = request.MaxSteps ?? method.Defaults.MaxSteps;
        string? plot = WriteHistoryPlot(result, method, kind, error);
        folder.DeleteLeftovers(result, plot, error, command);
        folder.CompleteRun();
        TrainResultFormatter.Write(output, result, method, maxSteps, request.Format, GenerateHint(request, method, result), plot);
        return ExitCodes.Success;
    }

    /// <summary>Draws <c>history.png</c> next to <c>history.csv</c> (<see cref="TrainingPlot"/>, with the scores when the
    /// run scored samples and a marker at the stop). The run has succeeded by now, so a plot that cannot be drawn only
    /// warns on standard error.</summary>
    /// <returns>The plot's full path, or null when none was written (also when the history has nothing to draw).</returns>
    private static string? WriteHistoryPlot(TrainingResult result, PersonalizationMethod method, CriterionKind kind, TextWriter error)
    {
        try
        {
            var history = TrainingCsvReader.ReadHistory(result.HistoryCsvPath);
            string criterion = result.CriterionName == "dvar" ? "DVAR" : result.CriterionName;
            var markers = new List<PlotMarker>
            {
                new(result.StepsTrained, result.StopReason switch
                {
                    TrainingStopReason.CriterionFired => $"{criterion} stop {result.StepsTrained}",
                    TrainingStopReason.ScoreCriterionFired => $"score stop {result.StepsTrained}",
                    _ => $"step cap {result.StepsTrained}",
                }),
            };
            if (result.SavedStep != result.StepsTrained && result.SavedStep > 0)
            {
                markers.Add(new(result.SavedStep, $"saved {result.SavedStep}"));
            }

            var data = new TrainingPlotData
            {
                Title = $"dvar train {method.Name} {method.Placeholder}",
                History = history,
                Scores = result.ScoresCsvPath is { } scores ? TrainingCsvReader.ReadScores(scores) : null,
                Threshold = kind == CriterionKind.Dvar ? result.Decision?.Threshold : null,
                HistoryStatisticIsRatio = kind == CriterionKind.Dvar,
                Markers = markers,
                StepAxisEnd = result.StepsTrained,
            };
            if (TrainingPlotSeries.From(data).Panels.Count == 0)
            {
                return null;
            }

            string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(result.HistoryCsvPath))!, "history.png");
            return TrainingPlot.Save(data, path);
        }
#pragma warning disable CA1031 // A plot is a by-product: the artifacts are written, so any failure to draw it only warns.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"dvar train {method.Name}: warning: history.png was not written ({e.GetType().Name}: {e.Message})");
            return null;
        }
    }

    private static void CheckRequest(TrainRequest request)
    {
        if (request.ProgressEvery < 1)
        {
            throw new UsageException($"--progress-every must be at least 1; got {request.ProgressEvery}.");
        }

        if (request.MinimumImageSize is < 1)
        {
            throw new UsageException($"--min-image-size must be at least 1; got {request.MinimumImageSize}.");
        }

        if (request.Resume && request.Overwrite)
        {
            throw new UsageException("--resume continues the run in --out and --overwrite replaces it; give one of them.");
        }

        CheckClassImages(request);

        if (request.Criterion == CriterionKind.ClipS && request.Clip is null)
        {
            throw new UsageException("--criterion clip-s needs --clip DIR, the CLIP model that scores the samples (the paper's: openai/clip-vit-base-patch32).");
        }

        if (request.Clip is null && (request.ScoreEvery is not null || request.ScoreSteps is not null || request.ScorePrompts is not null))
        {
            throw new UsageException("--score-every, --score-steps and --score-prompts apply only with --clip DIR.");
        }

        CheckFolder("--images", request.Images);
        if (request.ClassImages is { } classImages && request.GenerateClassImages is null)
        {
            CheckFolder("--class-images", classImages);
        }
    }

    /// <summary>Checks the prior-preservation options together: what needs class images, and what generating them needs.</summary>
    private static void CheckClassImages(TrainRequest request)
    {
        bool customAuthors = request.Method == TrainMethod.CustomDiffusion && request.Recipe == TrainRecipe.Authors;
        if (request.GenerateClassImages is int count)
        {
            if (count < 1 || count > ClassImageGenerator.MaxImages)
            {
                throw new UsageException($"--generate-class-images must be from 1 to {ClassImageGenerator.MaxImages}; got {count}.");
            }

            if (request.ClassImages is null || request.ClassPrompt is null)
            {
                throw new UsageException("--generate-class-images N needs --class-images DIR (the folder to fill) and --class-prompt TEXT (what to draw).");
            }

            if (File.Exists(request.ClassImages))
            {
                throw new InputDataException($"--class-images '{request.ClassImages}' is a file; it must be a folder (it is created when missing).");
            }
        }

        if (request.ClassImages is null && customAuthors)
        {
            throw new UsageException(
                "custom-diffusion --recipe authors trains with class images (prior preservation), as the authors' code always does. " +
                "Give --class-images DIR with photos of the class (the authors retrieve 200 from LAION), each captioned by --class-prompt or by a .txt file of the same name; " +
                "or add --class-images DIR --generate-class-images 200 to draw them with the base model from --class-prompt first; or use --recipe diffusers to train without them.");
        }

        if (request.ClassImages is null && request.ClassPrompt is not null && !customAuthors)
        {
            throw new UsageException("--class-prompt captions the class images of prior preservation; it needs --class-images DIR.");
        }
    }

    /// <summary>Warns (one line each, on standard error) when captions or the class prompt are longer than the text encoder
    /// reads: the tokenizer cuts them silently, so their last words would not be trained on.</summary>
    private static void WarnAboutLongPrompts(StableDiffusionPipeline pipeline, ConceptData data, TextWriter error, string command)
    {
        var captions = Enumerable.Range(0, data.Templates.Count).Select(data.Prompt).ToList();
        if (PromptLength.Warning(pipeline.Tokenizer, captions) is { } warning)
        {
            error.WriteLine($"{command}: {warning}");
        }

        // One shared caption is --class-prompt's; per-image captions come from the .txt files next to the class images.
        string label = data.ClassPrompt is not null ? "--class-prompt" : "a class image's caption";
        foreach (string classPrompt in data.ClassPrompts?.Distinct(StringComparer.Ordinal) ?? [])
        {
            if (PromptLength.Warning(pipeline.Tokenizer, label, classPrompt) is { } classWarning)
            {
                error.WriteLine($"{command}: {classWarning}");
            }
        }
    }

    private static void CheckFolder(string option, string path)
    {
        if (!Directory.Exists(path))
        {
            throw new InputDataException(File.Exists(path)
                ? $"{option} '{path}' is a file; it must be a folder of images."
                : $"{option}: the folder '{path}' does not exist.");
        }
    }

    private static ConceptData LoadConcept(TrainRequest request, StableDiffusionPipeline pipeline, PersonalizationMethod method, PromptTemplateSet templates)
    {
        var recipeOptions = method.Defaults.ImageOptions(request.Resolution ?? pipeline.DefaultImageSize);
        var imageOptions = recipeOptions with
        {
            CenterCrop = request.CenterCrop ?? recipeOptions.CenterCrop,
            MinimumSize = request.MinimumImageSize ?? recipeOptions.MinimumSize,
        };
        var images = LoadImages("--images", request.Images, imageOptions);
        ConceptImages? classImages = null;
        try
        {
            if (request.ClassImages is not { } folder)
            {
                return Guarded(() => new ConceptData(images, templates, method.Placeholder));
            }

            classImages = LoadImages("--class-images", folder, imageOptions with { KeepOriginals = false });
            var loaded = classImages;
            var captions = request.ClassPrompt is null
                ? ClassCaptions.Read(loaded.Files) ?? throw new UsageException(
                    $"--class-images '{folder}' needs captions: --class-prompt TEXT for every image, or a .txt file next to each image with its caption (none found).")
                : null;
            return captions is null
                ? Guarded(() => new ConceptData(images, templates, method.Placeholder, loaded, request.ClassPrompt))
                : Guarded(() => ConceptData.WithClassCaptions(images, templates, method.Placeholder, loaded, captions));
        }
        catch
        {
            images.Dispose();
            classImages?.Dispose();
            throw;
        }
    }

    private static ConceptImages LoadImages(string option, string folder, ConceptImageOptions options)
    {
        try
        {
            return Guarded(() => ConceptImages.Load(folder, options));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{option}: {e.Message}", innerException: e);
        }
    }

    /// <summary>The authors' CLIP-s preset of each method (<see cref="PatienceOptions"/>): TI 6 / 0.02, DreamBooth-LoRA
    /// 3 / 0.04, Custom Diffusion 6 / 0.02.</summary>
    private static PatienceOptions ClipSPreset(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => PatienceOptions.TextualInversion,
        TrainMethod.DreamBoothLora => PatienceOptions.DreamBoothLora,
        _ => PatienceOptions.CustomDiffusion,
    };

    /// <summary>What each scoring samples: 8 training prompts with the authors' seed 37, guidance and steps
    /// (<see cref="AuthorsSampling"/>) unless <c>--score-steps</c>, and <c>--score-prompts</c> if given.</summary>
    private static ConceptScorerOptions ScorerOptions(TrainRequest request, PersonalizationMethod method)
    {
        var defaults = new ConceptScorerOptions();
        return defaults with
        {
            Steps = request.ScoreSteps ?? AuthorsSampling.Steps(method.Name),
            GuidanceScale = AuthorsSampling.Guidance(method.Name),
            ValidationTemplates = request.ScorePrompts is { } file ? PromptFile.Read("--score-prompts", file) : [],
        };
    }

    /// <summary>The trainer's options. CLIP-s stops on the sample scores: the trainer then evaluates no L_det (unless
    /// <c>--eval-every</c> asks for it) and its L_det criterion is a budget that never fires before the step cap.</summary>
    private static PersonalizationTrainerOptions Options(
        TrainRequest request, PersonalizationMethod method, ConceptData data, IStoppingCriterion criterion, bool clipS, ConceptScorer? scorer)
    {
        var lossCriterion = clipS ? new FixedBudgetCriterion(new FixedBudgetOptions { Budget = (request.MaxSteps ?? method.Defaults.MaxSteps) + 1L }) : criterion;
        var defaults = new PersonalizationTrainerOptions { Method = method, Data = data, OutputFolder = request.Output, Criterion = lossCriterion };
        return defaults with
        {
            MaxSteps = request.MaxSteps,
            LearningRate = request.LearningRate,
            BatchSize = request.BatchSize,
            MaxGradientNorm = request.MaxGradientNorm,
            TrainingSeed = request.Seed ?? defaults.TrainingSeed,
            EvaluationSeed = request.EvaluationSeed ?? defaults.EvaluationSeed,
            EvaluationBatchSize = request.EvaluationBatchSize,
            EvaluationFrequency = request.EvaluationFrequency ?? (clipS ? 0 : defaults.EvaluationFrequency),
            CheckpointInterval = request.CheckpointEvery ?? defaults.CheckpointInterval,
            Scoring = scorer is null ? null : new SampleScoringOptions
            {
                Scorer = scorer,
                Every = request.ScoreEvery ?? SampleScoringOptions.DefaultEvery,
                Criterion = clipS ? criterion : null,
            },
        };
    }

    private static TrainingResult Resume(PersonalizationTrainer trainer, string checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            return trainer.Resume(checkpoint, cancellationToken);
        }
        catch (ArgumentException e) when (e.ParamName == "checkpointFolder")
        {
            throw new UsageException($"--resume: {ArgumentMessages.Describe(e)} (checkpoint {checkpoint})");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException)
        {
            throw new InputDataException($"--resume: the checkpoint {checkpoint} cannot be used: {e.Message}", innerException: e);
        }
    }

    /// <summary>Runs library code whose argument errors are the user's options, and names the option in the message.</summary>
    private static T Guarded<T>(Func<T> action) => ArgumentMessages.Guard(action, MethodBuilder.OptionOfParameter);

    private static void Guarded(Action action) => Guarded(() =>
    {
        action();
        return true;
    });

    private static double? ShownThreshold(CriterionKind kind, CriterionParameters p, PersonalizationMethod method, TrainMethod trainMethod) => kind switch
    {
        CriterionKind.Dvar => p.Threshold ?? method.Defaults.Dvar.Threshold,
        CriterionKind.Fixed => p.Steps,
        CriterionKind.Patience => p.Patience,
        CriterionKind.ClipS => p.Patience ?? ClipSPreset(trainMethod).Patience,
        _ => p.Threshold,
    };

    private static string GenerateHint(TrainRequest request, PersonalizationMethod method, TrainingResult result)
    {
        string artifacts = method switch
        {
            DreamBoothLora => string.Join(' ', result.ArtifactPaths.Select(p => (p.EndsWith(TextualInversion.EmbeddingsFileName, StringComparison.Ordinal) ? "--embeddings " : "--lora ") + Quote(p))),
            CustomDiffusion => "--custom-diffusion " + Quote(request.Output),
            _ => "--embeddings " + Quote(result.ArtifactPaths[0]),
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"dvar generate --model {Quote(request.Model.Folder)} {artifacts} --prompt \"a photo of {method.Placeholder}\" --out image.png");
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
