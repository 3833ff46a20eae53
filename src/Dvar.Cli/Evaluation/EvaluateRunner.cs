using System.Globalization;
using Dvar.Cli.Input;
using Dvar.Cli.Models;
using Dvar.Cli.Output;
using Dvar.Cli.Training;
using Dvar.Demo.Output;
using Dvar.Demo.World;
using Dvar.Stopping.IO;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Evaluation;

/// <summary>The action of <c>dvar evaluate</c>: for each run or artifact, loads the base pipeline with the artifact
/// applied, samples the training and validation prompts, and scores the samples with CLIP (and DINO) as the paper's
/// Table 1 does. The only place the command touches TorchSharp.</summary>
internal static class EvaluateRunner
{
    /// <summary>The validation prompts when <c>--prompts</c> is not given: the authors' set for the "clock" and "physics_mug"
    /// concepts (their <c>evaluate.py</c>, <c>concept_prompts</c>), which fits any object.</summary>
    public static IReadOnlyList<string> DefaultValidationTemplates { get; } = ["A photo of {} on the beach", "A photo of {} on the moon", "Elmo holding a {}"];

    private static readonly Dictionary<string, string> OptionOfParameter = new(StringComparer.Ordinal)
    {
        ["TrainSamples"] = "--train-samples",
        ["SamplesPerValidationPrompt"] = "--samples-per-prompt",
        ["Steps"] = "--steps",
        ["GuidanceScale"] = "--guidance",
        ["ValidationTemplates"] = "--prompts",
        ["Resolution"] = "--resolution",
    };

    /// <summary>Runs an evaluation request.</summary>
    /// <param name="request">What to evaluate.</param>
    /// <param name="output">Standard output: the table or the JSON object.</param>
    /// <param name="error">Standard error: progress.</param>
    /// <param name="session">Cancellation.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">An option is invalid.</exception>
    /// <exception cref="InputDataException">A model, run, artifact or image folder is missing or does not load, or
    /// <c>--out</c> cannot be written.</exception>
    /// <exception cref="CommandCancelledException">The session was cancelled; nothing more was written.</exception>
    public static int Run(EvaluateRequest request, TextWriter output, TextWriter error, CliSession session)
    {
        var targets = EvaluationTargets.Resolve(request);
        var validation = request.Prompts is { } file ? PromptFile.Read("--prompts", file) : DefaultValidationTemplates;
        using var folder = request.Output is { } given ? EvaluationOutputFolder.Claim(given, request.Overwrite) : null;
        using var clip = MetricLoader.LoadClip(request.Clip, request.Model);
        using var dino = request.Dino is { } dinoFolder ? MetricLoader.LoadDino(dinoFolder, request.Model) : null;
        var rows = new List<EvaluationRow>();
        foreach (var target in targets)
        {
            session.Cancellation.ThrowIfCancellationRequested();
            var line = new ProgressLine(error, session.ProgressIsTerminal);
            line.Show($"dvar evaluate: {target.Name} ({target.Method}): loading the model and the artifact", milestone: true);
            try
            {
                rows.Add(Evaluate(target, request, validation, clip, dino, folder?.Path, line, session.Cancellation));
            }
            catch (OperationCanceledException e) when (session.Cancellation.IsCancellationRequested)
            {
                line.End();
                throw new CommandCancelledException("cancelled; the rows evaluated so far were not written.", e);
            }

            line.End();
        }

        var table = EvaluationTable.Create(rows, clip.Name, dino?.Name);
        if (folder is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(folder.Path, EvaluationOutputFolder.TableFile), w => w.Write(table.ToMarkdown()));
            AtomicFile.WriteAllText(Path.Combine(folder.Path, EvaluationOutputFolder.JsonFile), w => w.Write(table.ToJson().ToJsonString(EvaluationTable.Indented)));
        }

        output.Write(request.Format == OutputFormat.Json ? table.ToJson().ToJsonString() + Environment.NewLine : table.ToMarkdown());
        return ExitCodes.Success;
    }

    private static EvaluationRow Evaluate(
        EvaluationTarget target,
        EvaluateRequest request,
        IReadOnlyList<string> validation,
        IImageTextMetric clip,
        IImageMetric? dino,
        string? outFolder,
        ProgressLine line,
        CancellationToken cancellationToken)
    {
        using var pipeline = PipelineLoader.Load(request.Model);
        string placeholder = ApplyArtifacts(pipeline, target);
        var templates = request.Templates is { } t ? MethodBuilder.Templates(t)! : target.Templates is { Count: > 0 } list ? PromptTemplateSet.Custom(list) : PromptTemplateSet.Object;
        var imageOptions = Guarded(() => new ConceptImageOptions { Resolution = request.Resolution ?? pipeline.DefaultImageSize });
        var images = Load("--images", target.Images, () => ConceptImages.Load(target.Images, imageOptions, cancellationToken: cancellationToken));
        using var data = new ConceptData(images, templates, placeholder);
        var defaults = new ConceptScorerOptions();
        var options = defaults with
        {
            TrainSamples = request.TrainSamples ?? defaults.TrainSamples,
            SamplesPerValidationPrompt = request.SamplesPerPrompt ?? defaults.SamplesPerValidationPrompt,
            Steps = request.Steps ?? AuthorsSampling.Steps(target.Method),
            GuidanceScale = request.Guidance ?? AuthorsSampling.Guidance(target.Method),
            Seed = request.Seed ?? defaults.Seed,
            ValidationTemplates = validation,
        };
        using var scorer = Guarded(() => new ConceptScorer(clip, data, options, dino));
        var progress = new SynchronousProgress<ConceptSamplingProgress>(p => line.Show(
            $"dvar evaluate: {target.Name}: {(p.Validation ? "validation" : "training")} prompts, denoising step {p.Denoising.Step}/{p.Denoising.TotalSteps}",
            milestone: p.Denoising.Step == p.Denoising.TotalSteps));
        using var samples = scorer.Sample(pipeline, progress, cancellationToken);
        var scores = scorer.Score(samples);
        string? saved = outFolder is null ? null : SaveSamples(outFolder, target, samples);
        return new EvaluationRow(target, placeholder, scores, saved);
    }

    private static string ApplyArtifacts(StableDiffusionPipeline pipeline, EvaluationTarget target)
    {
        switch (target.Method)
        {
            case "textual-inversion":
                // The loaded placeholder is the token expanded to its vectors ("<t> <t>_1 ..."), which prompts need.
                string loaded = Load("--artifact", target.Artifacts[0], () => TextualInversion.LoadEmbeddings(pipeline, target.Artifacts[0]));
                return target.Placeholder is { } p && p != loaded.Split(' ')[0] ? p : loaded;
            case "dreambooth-lora":
                string? token = null;
                foreach (var file in target.Artifacts)
                {
                    if (Path.GetFileName(file).StartsWith("pytorch_lora", StringComparison.Ordinal))
                    {
                        Load("--artifact", file, () => DreamBoothLora.LoadWeights(pipeline, file));
                    }
                    else
                    {
                        token = Load("--artifact", file, () => TextualInversion.LoadEmbeddings(pipeline, file));
                    }
                }

                return target.Placeholder ?? token ?? throw new UsageException(
                    $"{target.Name} has no learned token; give --token with the words that name the concept (e.g. \"sks dog\").");
            case "custom-diffusion":
                var tokens = Load("--artifact", target.Artifacts[0], () => CustomDiffusion.LoadWeights(pipeline, target.Artifacts[0]));
                return target.Placeholder ?? string.Join(' ', tokens);
            default:
                throw new InputDataException($"{target.Name}: unknown method '{target.Method}'.");
        }
    }

    /// <summary>Saves every sample as its own PNG (named by split, index and prompt) and a grid of all of them.</summary>
    private static string SaveSamples(string outFolder, EvaluationTarget target, ConceptSamples samples)
    {
        string folder = Path.Combine(outFolder, FileNames.Safe(target.Name));
        Directory.CreateDirectory(folder);
        var all = new List<RgbImage?>();
        Save(folder, "train", samples.TrainImages, samples.TrainPrompts, all);
        if (samples.ValidationImages is { } validation)
        {
            Save(folder, "val", validation, samples.ValidationPrompts, all);
        }

        ImageGrid.FromImages(all, columns: Math.Min(8, all.Count)).SavePng(Path.Combine(folder, "grid.png"));
        return folder;
    }

    private static void Save(string folder, string split, TorchSharp.torch.Tensor images, IReadOnlyList<string> prompts, List<RgbImage?> all)
    {
        var pictures = ImageGrid.ToImages(images);
        for (int i = 0; i < pictures.Count; i++)
        {
            pictures[i].SavePng(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{split}-{i:D2}-{FileNames.Slug(prompts[i])}.png")));
            all.Add(pictures[i]);
        }
    }

    private static T Load<T>(string option, string path, Func<T> load) => OptionFile.Load(option, path, load);

    private static T Guarded<T>(Func<T> action) => ArgumentMessages.Guard(action, OptionOfParameter);
}
