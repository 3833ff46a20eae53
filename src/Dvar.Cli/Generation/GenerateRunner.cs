using System.Globalization;
using Dvar.Cli.Input;
using Dvar.Cli.Models;
using Dvar.Cli.Output;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Generation;

/// <summary>The action of <c>dvar generate</c>: loads the pipeline, applies the learned artifacts through the library's
/// loaders, generates and saves PNGs. The only place the command touches TorchSharp.</summary>
internal static class GenerateRunner
{
    private static readonly Dictionary<string, string> OptionOfParameter = new(StringComparer.Ordinal)
    {
        ["Steps"] = "--steps",
        ["GuidanceScale"] = "--guidance",
        ["NumImages"] = "--count",
        ["Width"] = "--width",
        ["Height"] = "--height",
        ["scale"] = "--lora-scale",
        ["token"] = "--embeddings",
    };

    /// <summary>Runs a generation request.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="output">Standard output: the paths written.</param>
    /// <param name="error">Standard error: progress.</param>
    /// <param name="session">Progress mode and cancellation.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">An option is invalid or does not fit the model.</exception>
    /// <exception cref="InputDataException">The model or an artifact is missing or does not load, or <c>--out</c> cannot be
    /// written, is being written by another run, or exists without <c>--overwrite</c>.</exception>
    /// <exception cref="CommandCancelledException">The session was cancelled; nothing was written.</exception>
    public static int Run(GenerateRequest request, TextWriter output, TextWriter error, CliSession session)
    {
        var paths = OutputPaths(request.Output, request.Count ?? 1);

        // The images are this run's from before the model loads until the command ends: a second run with the same --out,
        // an existing image (without --overwrite) or an unwritable folder fails at once.
        using var owned = GenerateOutput.Claim(request.Output, paths, request.Overwrite);
        using var pipeline = PipelineLoader.Load(request.Model);
        string prompt = ApplyArtifacts(pipeline, request);
        WarnAboutLongPrompts(pipeline, prompt, request.NegativePrompt, error);
        var defaults = new GenerationOptions();
        var sampler = Sampler(pipeline, request.Scheduler);
        var options = defaults with
        {
            Sampler = sampler,
            Steps = request.Steps ?? defaults.Steps,
            GuidanceScale = request.Guidance ?? defaults.GuidanceScale,
            Seed = request.Seed ?? defaults.Seed,
            NegativePrompt = request.NegativePrompt ?? defaults.NegativePrompt,
            Width = request.Width,
            Height = request.Height,
            NumImages = paths.Count,
        };
        var line = new ProgressLine(error, session.ProgressIsTerminal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var progress = new SynchronousProgress<GenerationProgress>(p => line.Show(
            string.Create(CultureInfo.InvariantCulture, $"denoising step {p.Step}/{p.TotalSteps} (t = {p.Timestep})  elapsed {clock.Elapsed.TotalSeconds:F1} s"),
            p.Step == p.TotalSteps));
        IReadOnlyList<GeneratedImage> images;
        try
        {
            images = pipeline.Generate(prompt, options, progress, session.Cancellation);
        }
        catch (ArgumentException e)
        {
            throw ArgumentMessages.ToUsage(e, OptionOfParameter);
        }
        catch (NotSupportedException e)
        {
            // The folder's config does not fit the sampler (e.g. PNDM with skip_prk_steps false).
            throw new UsageException($"--scheduler {Name(sampler)}: {e.Message} Choose another --scheduler.");
        }
        catch (OperationCanceledException e) when (session.Cancellation.IsCancellationRequested)
        {
            line.End();
            throw new CommandCancelledException("cancelled; no image was written.", e);
        }

        line.End();
        try
        {
            for (int i = 0; i < images.Count; i++)
            {
                images[i].SavePng(paths[i]);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--out '{request.Output}' cannot be written: {e.Message}", innerException: e);
        }

        Write(output, request.Format, paths, images[0], prompt, options);
        return ExitCodes.Success;
    }

    /// <summary>The sampler to run: <c>--scheduler ddim|pndm</c> as given, <c>folder</c> the one the model folder names.</summary>
    /// <exception cref="UsageException"><c>folder</c> and the folder names a scheduler the library does not sample with.</exception>
    private static SamplerKind Sampler(StableDiffusionPipeline pipeline, SchedulerChoice choice) => choice switch
    {
        SchedulerChoice.Ddim => SamplerKind.Ddim,
        SchedulerChoice.Pndm => SamplerKind.Pndm,
        _ => pipeline.FolderSampler ?? throw new UsageException(
            $"--scheduler folder: the model's scheduler/scheduler_config.json names {pipeline.Scheduler.Config.ClassName}, which dvar does not sample with; pass --scheduler ddim or --scheduler pndm."),
    };

    /// <summary>The <c>--scheduler</c> name of a resolved sampler.</summary>
    private static string Name(SamplerKind sampler) => sampler == SamplerKind.Pndm ? "pndm" : "ddim";

    /// <summary>The files to write: <paramref name="output"/> itself for one image, else <c>stem-1.png</c> ... <c>stem-n.png</c>.</summary>
    private static IReadOnlyList<string> OutputPaths(string output, int count)
    {
        if (!output.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--out must name a .png file; got '{output}'.");
        }

        if (count < 1)
        {
            throw new UsageException($"--count must be at least 1; got {count}.");
        }

        if (count == 1)
        {
            return [Path.GetFullPath(output)];
        }

        string stem = output[..^".png".Length];
        return [.. Enumerable.Range(1, count).Select(i => Path.GetFullPath(string.Create(CultureInfo.InvariantCulture, $"{stem}-{i}.png")))];
    }

    /// <summary>Warns (one line each, on standard error) when the prompt or the negative prompt is longer than the text
    /// encoder reads: the tokenizer cuts it silently.</summary>
    private static void WarnAboutLongPrompts(StableDiffusionPipeline pipeline, string prompt, string? negativePrompt, TextWriter error)
    {
        if (PromptLength.Warning(pipeline.Tokenizer, "--prompt", prompt) is { } warning)
        {
            error.WriteLine($"dvar generate: {warning}");
        }

        if (negativePrompt is not null && PromptLength.Warning(pipeline.Tokenizer, "--negative-prompt", negativePrompt) is { } negative)
        {
            error.WriteLine($"dvar generate: {negative}");
        }
    }

    /// <summary>Loads the artifacts into the pipeline and returns the prompt with multi-vector tokens expanded.</summary>
    private static string ApplyArtifacts(StableDiffusionPipeline pipeline, GenerateRequest request)
    {
        if (request.LoraScale is not null && request.Lora is null)
        {
            throw new UsageException("--lora-scale applies only with --lora.");
        }

        string prompt = request.Prompt;
        if (request.Embeddings is { } embeddings)
        {
            string placeholder = Load("--embeddings", embeddings, () => TextualInversion.LoadEmbeddings(pipeline, embeddings));
            string token = placeholder.Split(' ')[0];
            if (placeholder != token && !prompt.Contains(placeholder, StringComparison.Ordinal))
            {
                prompt = prompt.Replace(token, placeholder, StringComparison.Ordinal);
            }
        }

        if (request.Lora is { } lora)
        {
            Load("--lora", lora, () => DreamBoothLora.LoadWeights(pipeline, lora, request.LoraScale ?? 1.0));
        }

        if (request.CustomDiffusion is { } folder)
        {
            Load("--custom-diffusion", folder, () => CustomDiffusion.LoadWeights(pipeline, folder));
        }

        return prompt;
    }

    private static T Load<T>(string option, string path, Func<T> load) => OptionFile.Load(option, path, load);

    private static void Write(TextWriter output, OutputFormat format, IReadOnlyList<string> paths, GeneratedImage first, string prompt, GenerationOptions options)
    {
        if (format == OutputFormat.Text)
        {
            foreach (string path in paths)
            {
                output.WriteLine(path);
            }

            return;
        }

        output.Write(JsonOutput.Object(json =>
        {
            json.WriteStartArray("images");
            foreach (string path in paths)
            {
                json.WriteStringValue(path);
            }

            json.WriteEndArray();
            json.WriteNumber("width", first.Width);
            json.WriteNumber("height", first.Height);
            json.WriteString("prompt", prompt);
            json.WriteString("scheduler", Name(options.Sampler));
            json.WriteNumber("steps", options.Steps);
            json.WriteNumber("guidance", options.GuidanceScale);
            json.WriteNumber("seed", options.Seed);
        }));
        output.Write('\n');
    }
}
