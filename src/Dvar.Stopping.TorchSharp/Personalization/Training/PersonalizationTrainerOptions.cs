using Dvar.Stopping.Criteria;
using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.Training;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>What a <see cref="PersonalizationTrainer"/> trains, for how long, and how it decides to stop.</summary>
/// <remarks>
/// Immutable; validated once, by the <see cref="PersonalizationTrainer"/> constructor (errors name the option). Options left
/// null take the method's <see cref="PersonalizationMethod.Defaults"/>. The optimizer is AdamW with betas (0.9, 0.999),
/// weight decay 1e-2, ε 1e-8 and a constant learning rate.
/// </remarks>
public sealed record PersonalizationTrainerOptions
{
    /// <summary>The default of <see cref="TrainingSeed"/>.</summary>
    public const long DefaultTrainingSeed = 0;

    /// <summary>The default of <see cref="EvaluationSeed"/>.</summary>
    public const long DefaultEvaluationSeed = 1;

    /// <summary>The default of <see cref="EvaluationFrequency"/>: every step, as the paper.</summary>
    public const int DefaultEvaluationFrequency = 1;

    /// <summary>The default of <see cref="CheckpointInterval"/>: no periodic checkpoints (one is written on cancellation).</summary>
    public const int DefaultCheckpointInterval = 0;

    /// <summary>The method, already attached to its pipeline (<see cref="PersonalizationMethod.Attach"/>).</summary>
    public required PersonalizationMethod Method { get; init; }

    /// <summary>The concept's images and captions; its placeholder must be the method's.</summary>
    /// <value>Images at a resolution whose latents the UNet accepts (a multiple of the VAE and UNet downsampling factors).</value>
    public required ConceptData Data { get; init; }

    /// <summary>Where the artifacts, <c>history.csv</c>, <c>training-summary.json</c> and <c>checkpoints/</c> go (created if needed).</summary>
    public required string OutputFolder { get; init; }

    /// <summary>The step cap.</summary>
    /// <value>At least 1; null (default) for the method's <see cref="PersonalizationDefaults.MaxSteps"/>.</value>
    public int? MaxSteps { get; init; }

    /// <summary>The AdamW learning rate.</summary>
    /// <value>A finite number greater than 0; null (default) for the method's
    /// <see cref="PersonalizationDefaults.LearningRateFor"/> (its prior-preservation rate when <see cref="Data"/> has class images).</value>
    public double? LearningRate { get; init; }

    /// <summary>The number of instance items per training batch (prior preservation adds as many class items).</summary>
    /// <value>1 to <see cref="MaxBatchSize"/>; null (default) for the method's <see cref="PersonalizationDefaults.BatchSize"/>.</value>
    public int? BatchSize { get; init; }

    /// <summary>The largest <see cref="BatchSize"/> accepted: the batch's activations are allocated at once, so a mistyped
    /// size is refused before anything is allocated instead of failing deep inside libtorch.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>The gradient clipping norm (L2 over all trainable parameters).</summary>
    /// <value>Greater than 0; <see cref="double.PositiveInfinity"/> disables clipping; null (default) for the method's
    /// <see cref="PersonalizationDefaults.MaxGradientNorm"/> (itself null for none).</value>
    public double? MaxGradientNorm { get; init; }

    /// <summary>The seed of the training generator, which draws every training batch.</summary>
    /// <value>At least 0. Default 0.</value>
    public long TrainingSeed { get; init; } = DefaultTrainingSeed;

    /// <summary>The seed of the evaluator's own generator.</summary>
    /// <value>At least 0. Default 1.</value>
    public long EvaluationSeed { get; init; } = DefaultEvaluationSeed;

    /// <summary>The number of items in the deterministic evaluation batch, or null for the method's
    /// (<see cref="PersonalizationDefaults.EvaluationBatchSize"/>: 4 under the authors' recipe, their code's default; 8 under diffusers', the paper's text).</summary>
    /// <value>From 1 to the scheduler's number of training timesteps, or null. Default null.</value>
    public int? EvaluationBatchSize { get; init; }

    /// <summary>Evaluate L_det (and ask the criterion) every this many steps; 0 never evaluates (a plain fixed-budget run).</summary>
    /// <value>At least 0. Default 1 (every step, as the paper).</value>
    public int EvaluationFrequency { get; init; } = DefaultEvaluationFrequency;

    /// <summary>A second instance of the method on which L_det is computed instead of <see cref="Method"/>: mixed precision
    /// that trains with the frozen models in bfloat16 or float16 and evaluates L_det on the same models in float32, so the
    /// stopping decision does not see the low-precision rounding.</summary>
    /// <value>Null (default) evaluates on <see cref="Method"/>. Otherwise an instance of the same method type with the same
    /// placeholder and trainable parameters of the same names and shapes, attached to its own pipeline of the same model (in
    /// another dtype); the trainer copies <see cref="Method"/>'s trainable parameters into it before every evaluation and never
    /// trains, saves or disposes it. Its pipeline encodes the evaluation images itself.</value>
    public PersonalizationMethod? EvaluationMethod { get; init; }

    /// <summary>Which sources of randomness the evaluation batch keeps fixed.</summary>
    /// <value>Default <see cref="FrozenSources.All"/> (L_det).</value>
    public FrozenSources FrozenSources { get; init; } = FrozenSources.All;

    /// <summary>The stopping criterion fed with L_det; the trainer owns it (give each trainer a fresh one).</summary>
    /// <value>Any criterion that has observed nothing; null (default) for <see cref="DvarCriterion"/> with the method's
    /// <see cref="PersonalizationDefaults.Dvar"/> preset.</value>
    public IStoppingCriterion? Criterion { get; init; }

    /// <summary>Write a checkpoint every this many steps (a checkpoint is always written on cancellation).</summary>
    /// <value>At least 0. Default 0 (no periodic checkpoints).</value>
    public int CheckpointInterval { get; init; } = DefaultCheckpointInterval;

    /// <summary>The weight w of the class items' loss with prior preservation: <c>loss = mse(instance) + w · mse(class)</c>.</summary>
    /// <value>A finite number at least 0; null (default) for the method's <see cref="PersonalizationDefaults.PriorLossWeight"/>
    /// (1 in diffusers' DreamBooth and Custom Diffusion). Used only when <see cref="Data"/> has class images.</value>
    public double? PriorLossWeight { get; init; }

    /// <summary>Periodic sample scoring: the quality curve beside L_det (<c>scores.csv</c>) and, with a criterion, the
    /// paper's "CLIP-s" stop.</summary>
    /// <value>Null (default) scores nothing.</value>
    public SampleScoringOptions? Scoring { get; init; }

    /// <summary>How the stopping monitor keeps its history and how often it logs.</summary>
    /// <value>Default <see cref="StoppingMonitorOptions.Default"/> (keep every step, log every 50th).</value>
    public StoppingMonitorOptions Monitor { get; init; } = StoppingMonitorOptions.Default;

    /// <summary>The step cap in effect.</summary>
    internal int EffectiveMaxSteps => MaxSteps ?? Method.Defaults.MaxSteps;

    /// <summary>The learning rate in effect.</summary>
    internal double EffectiveLearningRate => LearningRate ?? Method.Defaults.LearningRateFor(Data.HasPriorPreservation);

    /// <summary>The batch size in effect.</summary>
    internal int EffectiveBatchSize => BatchSize ?? Method.Defaults.BatchSize;

    /// <summary>The clipping norm in effect, or null for none.</summary>
    internal double? EffectiveMaxGradientNorm =>
        (MaxGradientNorm ?? Method.Defaults.MaxGradientNorm) is { } norm && double.IsFinite(norm) ? norm : null;

    /// <summary>The prior-preservation loss weight in effect.</summary>
    internal int EffectiveEvaluationBatchSize => EvaluationBatchSize ?? Method.Defaults.EvaluationBatchSize;

    internal double EffectivePriorLossWeight => PriorLossWeight ?? Method.Defaults.PriorLossWeight;

    /// <summary>The evaluator's options.</summary>
    internal DeterministicEvaluatorOptions EvaluatorOptions => new()
    {
        BatchSize = EffectiveEvaluationBatchSize,
        Seed = EvaluationSeed,
        FrozenSources = FrozenSources,
    };

    /// <summary>Checks every option; the trainer's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentNullException">A required option is null; the parameter name is the option's.</exception>
    /// <exception cref="ArgumentException">The method is not attached, or the data does not fit it; the parameter name is the option's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the parameter name is the option's.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Method, nameof(Method));
        ArgumentNullException.ThrowIfNull(Data, nameof(Data));
        ArgumentNullException.ThrowIfNull(Monitor, nameof(Monitor));
        if (string.IsNullOrWhiteSpace(OutputFolder))
        {
            throw new ArgumentException($"{nameof(OutputFolder)} must be a folder path; got '{OutputFolder}'.", nameof(OutputFolder));
        }

        var pipeline = Method.Pipeline
            ?? throw new ArgumentException($"The {Method.Name} method is not attached to a pipeline; call Attach first.", nameof(Method));
        if (Method.TrainableParameters.Count == 0)
        {
            throw new ArgumentException($"The {Method.Name} method has no trainable parameters.", nameof(Method));
        }

        DeterministicEvaluator.CheckPlaceholder(Method, Data, nameof(Data));
        if (Method.Defaults.RequiresClassImages && !Data.HasPriorPreservation)
        {
            throw new ArgumentException(
                $"The {Method.Defaults.Recipe.ToString().ToLowerInvariant()} recipe of {Method.Name} trains with class images (prior preservation), as the authors' code always does; " +
                "give the concept class images and their caption (ConceptData's classImages and classPrompt; e.g. 100-200 images of the class generated by the base model " +
                "with the class prompt), or choose the diffusers recipe, which trains without them.",
                nameof(Data));
        }

        RescaleAugmentation.CheckOriginals(Method, Data, nameof(Data));
        int factor = pipeline.VaeScaleFactor * pipeline.Unet.DownsamplingFactor;
        if (Data.Images.Resolution % factor != 0)
        {
            throw new ArgumentException(
                $"The concept's images are {Data.Images.Resolution} px; this pipeline needs a multiple of {factor} (VAE factor {pipeline.VaeScaleFactor} x UNet factor {pipeline.Unet.DownsamplingFactor}).",
                nameof(Data));
        }

        Guard.AtLeast(EffectiveMaxSteps, 1, nameof(MaxSteps));
        Guard.PositiveFinite(EffectiveLearningRate, nameof(LearningRate));
        Guard.AtLeast(EffectiveBatchSize, 1, nameof(BatchSize));
        if (EffectiveBatchSize > MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(BatchSize),
                $"{nameof(BatchSize)} must be at most {MaxBatchSize}; got {EffectiveBatchSize}: the whole batch goes through the UNet at once, and its activations grow with it (SD v1.5 needs gigabytes per few 512 px images); accumulate smaller batches instead.");
        }

        if (MaxGradientNorm is { } norm && !(norm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), $"{nameof(MaxGradientNorm)} must be greater than 0 (PositiveInfinity for no clipping); got {Guard.Format(norm)}.");
        }

        Guard.AtLeast(TrainingSeed, 0, nameof(TrainingSeed));
        Guard.AtLeast(EvaluationSeed, 0, nameof(EvaluationSeed));
        Guard.AtLeast(EffectiveEvaluationBatchSize, 1, nameof(EvaluationBatchSize));
        if (EffectiveEvaluationBatchSize > pipeline.Scheduler.NumTrainTimesteps)
        {
            throw new ArgumentOutOfRangeException(
                nameof(EvaluationBatchSize),
                $"{nameof(EvaluationBatchSize)} must be at most the scheduler's {pipeline.Scheduler.NumTrainTimesteps} training timesteps; got {EffectiveEvaluationBatchSize}.");
        }

        Guard.AtLeast(EvaluationFrequency, 0, nameof(EvaluationFrequency));
        if (EvaluationMethod is not null)
        {
            TrainedParameterCopy.Validate(Method, EvaluationMethod, nameof(EvaluationMethod));
            RescaleAugmentation.CheckOriginals(EvaluationMethod, Data, nameof(Data));
        }

        DeterministicEvaluatorOptions.ValidateSources(FrozenSources, nameof(FrozenSources));
        Guard.AtLeast(CheckpointInterval, 0, nameof(CheckpointInterval));
        Guard.NonNegativeFinite(EffectivePriorLossWeight, nameof(PriorLossWeight));
        if (Criterion is { Observations: > 0 } used)
        {
            throw new ArgumentException(
                $"The {used.Name} criterion has already observed {used.Observations} values; give each trainer a fresh criterion.", nameof(Criterion));
        }

        Monitor.Validate();
        Scoring?.Validate();
        if (Scoring is { Scorer: { } scorer } && scorer.Placeholder != Data.Placeholder)
        {
            throw new ArgumentException(
                $"The scorer's placeholder '{scorer.Placeholder}' differs from the concept's '{Data.Placeholder}'.", nameof(Scoring));
        }
    }
}
