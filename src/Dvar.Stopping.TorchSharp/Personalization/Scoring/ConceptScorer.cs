using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Scoring;

/// <summary>Scores a learned concept as the paper's Table 1 does: samples from the training and the validation prompts, read
/// by an <see cref="IImageTextMetric"/> against the concept's images.</summary>
/// <remarks>
/// <para>Training prompt i is the concept's template i mod T with its placeholder; its sample is paired with concept image
/// i mod n ("Train img"). Each validation template is sampled <see cref="ConceptScorerOptions.SamplesPerValidationPrompt"/>
/// times; sample j is paired with concept image j mod n ("Val img") and scored against its prompt with the placeholder
/// removed ("Val txt"), as the authors' <c>clip_scores.py</c> does.</para>
/// <para>Sampling uses the pipeline's current parameters, under <c>no_grad</c>, with initial latents from
/// <see cref="ConceptScorerOptions.Seed"/>, so it never draws from a training or evaluation generator.</para>
/// </remarks>
public sealed class ConceptScorer : IDisposable
{
    private readonly Tensor _referenceFeatures;
    private readonly Tensor? _dinoReferenceFeatures;

    /// <summary>Initializes a new instance of the <see cref="ConceptScorer"/> class.</summary>
    /// <param name="metric">The image-text model (not owned).</param>
    /// <param name="data">The concept: its images (the references) and training templates; its placeholder fills the prompts.</param>
    /// <param name="options">What to sample; null for the defaults.</param>
    /// <param name="dino">A second image model (DINO) for <see cref="ConceptScores.DinoImage"/> (not owned); null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="metric"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the parameter names it).</exception>
    public ConceptScorer(IImageTextMetric metric, ConceptData data, ConceptScorerOptions? options = null, IImageMetric? dino = null)
    {
        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ConceptScorerOptions();
        options.Validate();
        Metric = metric;
        Options = options;
        Placeholder = data.Placeholder;
        TrainPrompts = [.. Enumerable.Range(0, options.TrainSamples).Select(i => data.Prompt(i % data.Templates.Count))];
        ValidationPrompts = [.. options.ValidationTemplates.SelectMany(t => Enumerable.Repeat(t.Replace("{}", data.Placeholder, StringComparison.Ordinal), options.SamplesPerValidationPrompt))];
        ValidationTexts = [.. options.ValidationTemplates.SelectMany(t => Enumerable.Repeat(WithoutPlaceholder(t), options.SamplesPerValidationPrompt))];
        int n = data.Images.Count;
        using var scope = NewDisposeScope();
        using var references = data.Images.Gather([.. Enumerable.Range(0, n).Select(i => (long)i)], new bool[n]);
        using var noGrad = no_grad();
        _referenceFeatures = Normalized(metric.ImageFeatures(references)).MoveToOuterDisposeScope();
        Dino = dino;
        _dinoReferenceFeatures = dino is null ? null : Normalized(dino.ImageFeatures(references)).MoveToOuterDisposeScope();
    }

    /// <summary>Gets the image-text model.</summary>
    public IImageTextMetric Metric { get; }

    /// <summary>Gets the second image model (DINO), or null.</summary>
    public IImageMetric? Dino { get; }

    /// <summary>Gets what is sampled.</summary>
    public ConceptScorerOptions Options { get; }

    /// <summary>Gets the concept's placeholder token.</summary>
    public string Placeholder { get; }

    /// <summary>Gets the training prompts, one per training sample.</summary>
    public IReadOnlyList<string> TrainPrompts { get; }

    /// <summary>Gets the validation prompts, one per validation sample.</summary>
    public IReadOnlyList<string> ValidationPrompts { get; }

    /// <summary>Gets the validation prompts without the placeholder, as the text score reads them.</summary>
    public IReadOnlyList<string> ValidationTexts { get; }

    /// <summary>The template without its placeholder, white space collapsed (e.g. "a photo of a on the beach").</summary>
    /// <param name="template">A template with <c>{}</c>.</param>
    /// <returns>The text.</returns>
    public static string WithoutPlaceholder(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return string.Join(' ', template.Replace("{}", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Generates the samples with the pipeline's current parameters, reporting each denoising step.</summary>
    /// <param name="pipeline">The pipeline, with the concept's method attached.</param>
    /// <param name="progress">Told after each denoising step of each batch, on the calling thread; null for none.</param>
    /// <param name="cancellationToken">Checked between denoising steps.</param>
    /// <returns>The samples; the caller disposes them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ConceptSamples Sample(StableDiffusionPipeline pipeline, IProgress<ConceptSamplingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var generation = new GenerationOptions { Steps = Options.Steps, GuidanceScale = Options.GuidanceScale, Seed = Options.Seed, Sampler = Options.Sampler, Width = Options.ImageSize, Height = Options.ImageSize };
        using var scope = NewDisposeScope();
        var trainProgress = progress is null ? null : new Forward(p => progress.Report(new ConceptSamplingProgress(false, p)));
        var validationProgress = progress is null ? null : new Forward(p => progress.Report(new ConceptSamplingProgress(true, p)));
        var train = ToSigned(pipeline.GenerateBatch(TrainPrompts, generation, trainProgress, cancellationToken));
        Tensor? validation = ValidationPrompts.Count > 0
            ? ToSigned(pipeline.GenerateBatch(ValidationPrompts, generation with { Seed = Options.Seed + 1 }, validationProgress, cancellationToken))
            : null;
        return new ConceptSamples(train.MoveToOuterDisposeScope(), TrainPrompts, validation?.MoveToOuterDisposeScope(), ValidationPrompts);
    }

    /// <summary>Scores samples from <see cref="Sample"/>.</summary>
    /// <param name="samples">The samples.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> is null.</exception>
    public ConceptScores Score(ConceptSamples samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var trainFeatures = Normalized(Metric.ImageFeatures(samples.TrainImages));
        double trainImage = PairedSimilarity(trainFeatures, _referenceFeatures);
        double allPairs = trainFeatures.matmul(_referenceFeatures.t()).to_type(ScalarType.Float64).mean().item<double>();
        double? dinoImage = Dino is null ? null : PairedSimilarity(Normalized(Dino.ImageFeatures(samples.TrainImages)), _dinoReferenceFeatures!);
        if (samples.ValidationImages is not { } validation)
        {
            return new ConceptScores(trainImage, null, null) { TrainImageAllPairs = allPairs, DinoImage = dinoImage };
        }

        double validationImage = PairedSimilarity(Normalized(Metric.ImageFeatures(validation)), _referenceFeatures);
        double validationText = Metric.TextAlignment(validation, ValidationTexts).to_type(ScalarType.Float64).mean().item<double>();
        return new ConceptScores(trainImage, validationImage, validationText) { TrainImageAllPairs = allPairs, DinoImage = dinoImage };
    }

    /// <summary>Samples and scores the pipeline's current parameters.</summary>
    /// <param name="pipeline">The pipeline, with the concept's method attached.</param>
    /// <param name="cancellationToken">Checked between denoising steps.</param>
    /// <returns>The scores.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public ConceptScores Score(StableDiffusionPipeline pipeline, CancellationToken cancellationToken = default)
    {
        using var samples = Sample(pipeline, cancellationToken: cancellationToken);
        return Score(samples);
    }

    /// <summary>Frees the cached reference features.</summary>
    public void Dispose()
    {
        _referenceFeatures.Dispose();
        _dinoReferenceFeatures?.Dispose();
    }

    /// <summary>Passes each report on synchronously, on the sampling thread (no <see cref="SynchronizationContext"/> hop).</summary>
    private sealed class Forward(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }

    private static Tensor ToSigned(Tensor unit)
    {
        using (unit)
        {
            return unit.to_type(ScalarType.Float32).Times(2).Minus(1).to(CPU);
        }
    }

    private static Tensor Normalized(Tensor features)
    {
        using (features)
        {
            var f = features.to_type(ScalarType.Float32).to(CPU);
            return f / f.norm(1, keepdim: true).AtLeast(1e-12);
        }
    }

    /// <summary>The mean cosine similarity of sample i with reference i mod n (both normalised).</summary>
    private static double PairedSimilarity(Tensor features, Tensor references)
    {
        using var scope = NewDisposeScope();
        long n = references.shape[0];
        var paired = references.index_select(0, HeldScalar.WithInteger(n, HeldScalar.Range(features.shape[0]).remainder));
        return (features * paired).sum(1).to_type(ScalarType.Float64).mean().item<double>();
    }
}
