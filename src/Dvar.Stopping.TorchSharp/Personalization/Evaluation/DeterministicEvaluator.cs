using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Diagnostics;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Evaluation;

/// <summary>The deterministic loss L_det of a personalization method (paper §3.2, Eq. 4): the latent-diffusion loss of the
/// current model on an evaluation batch fixed once, before training.</summary>
/// <remarks>
/// <para>The batch is built once from the evaluator's own generator (<see cref="DeterministicEvaluatorOptions.Seed"/>):
/// item i uses image <c>i mod N</c> with one frozen flip draw (when the method flips at random), caption template
/// <c>i mod T</c>, one VAE latent sample times the scaling factor, N(0, I) noise, and B distinct timesteps (the first B of a
/// random permutation of the training timesteps). Sources not in <see cref="DeterministicEvaluatorOptions.FrozenSources"/>
/// are redrawn at each evaluation from the same generator (the paper's semi-deterministic study); redrawn images imply
/// redrawn latents.</para>
/// <para>With Custom Diffusion's random rescaling (<see cref="PersonalizationDefaults.RescaleAugmentation"/>: the authors'
/// version with class images, diffusers' with or without them; see <see cref="RescaleAugmentation.StyleFor"/>; the instance
/// images need <see cref="ConceptImageOptions.KeepOriginals"/>) each item's photo is augmented as in
/// training, drawn once with the frozen batch (see <see cref="EvaluationSampler"/> for the order and for which source the
/// augmentation and the caption prefix belong to); its latents come from VAE-encoding the augmented pixels (cached while
/// images and latents are frozen, else encoded at each evaluation), its caption gets the prefix, and the loss stays the plain
/// unmasked mean MSE, as in the authors' code (diffusers' script has no evaluation).</para>
/// <para>Draw order (CPU, float32/int64), once: flips <c>randint(0, 2, [B])</c> (only when the method flips), VAE posterior
/// noise <c>randn([B, C, h, w])</c>, timesteps = first B of <c>randperm(T_train)</c>, diffusion noise <c>randn([B, C, h, w])</c>.
/// Then per evaluation, only for the sources not frozen, in this order: images <c>randint(0, N, [B])</c> and their flips,
/// captions <c>randint(0, T, [B])</c>, VAE posterior noise, timesteps (a new permutation's first B), diffusion noise.</para>
/// <para>L_det is the mean MSE in float32 between the UNet's prediction and its training target, computed under
/// <c>no_grad</c> with the UNet and text encoder in evaluation mode (their previous modes are restored). The evaluator never
/// draws from the training generator and never changes a parameter, so a run with it trains exactly the parameters of the
/// same run without it.</para>
/// <para>Cached (they cannot change): each image's VAE posterior, the scaled latents when images and latents are frozen,
/// and the text encoder's states when captions are frozen and the method does not train text-side parameters
/// (<see cref="PersonalizationMethod.TrainsTextConditioning"/>). Not thread-safe; use from the training loop.</para>
/// </remarks>
public sealed class DeterministicEvaluator : IDeterministicEvaluator, IDisposable
{
    private readonly PersonalizationMethod _method;
    private readonly ConceptData _data;
    private readonly DiffusionObjective _objective;
    private readonly LatentPosteriorCache _posteriors;
    private readonly bool _ownsPosteriors;
    private readonly EvaluationSampler _sampler;
    private readonly EvaluationDraw _frozen;
    private Tensor? _frozenLatents;
    private Tensor? _frozenStates;
    private EvaluationDraw? _last;

    /// <summary>Builds the evaluation batch for a method attached to its pipeline.</summary>
    /// <param name="method">The attached method (its pipeline, flip default and whether it trains text-side parameters).</param>
    /// <param name="data">The concept; its placeholder must be the method's.</param>
    /// <param name="options">The batch size, seed and frozen sources; null for <see cref="DeterministicEvaluatorOptions.Default"/>.</param>
    /// <param name="logger">Where to log; null logs nowhere.</param>
    /// <exception cref="ArgumentNullException"><paramref name="method"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The method is not attached, or the data's placeholder is not the method's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public DeterministicEvaluator(
        PersonalizationMethod method, ConceptData data, DeterministicEvaluatorOptions? options = null, ILogger? logger = null)
        : this(method, data, options, sharedPosteriors: null, logger)
    {
    }

    /// <summary>Builds the evaluation batch, optionally sharing the trainer's posterior cache of the instance images.</summary>
    internal DeterministicEvaluator(
        PersonalizationMethod method, ConceptData data, DeterministicEvaluatorOptions? options, LatentPosteriorCache? sharedPosteriors, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(data);
        var pipeline = method.Pipeline
            ?? throw new ArgumentException($"The {method.Name} method is not attached to a pipeline; call Attach first.", nameof(method));
        CheckPlaceholder(method, data, nameof(data));
        RescaleAugmentation.CheckOriginals(method, data, nameof(data));
        options ??= DeterministicEvaluatorOptions.Default;
        options.Validate(pipeline.Scheduler.NumTrainTimesteps);
        _method = method;
        _data = data;
        Options = options;
        _objective = new DiffusionObjective(pipeline, priorLossWeight: 0);
        _ownsPosteriors = sharedPosteriors is null;
        _posteriors = sharedPosteriors ?? new LatentPosteriorCache(pipeline, data.Images);
        _sampler = new EvaluationSampler(
            data, _posteriors.LatentShape, pipeline.Scheduler.NumTrainTimesteps, method.Defaults.RandomFlip, options.BatchSize, options.Seed,
            RescaleAugmentation.StyleFor(method, data));
        _frozen = _sampler.DrawFrozen();
        Log.EvaluationBatchBuilt(logger ?? NullLogger.Instance, options.BatchSize, options.FrozenSources, options.Seed);
    }

    /// <summary>The options the batch was built with.</summary>
    public DeterministicEvaluatorOptions Options { get; }

    /// <inheritdoc/>
    public FrozenSources FrozenSources => Options.FrozenSources;

    /// <inheritdoc/>
    public int BatchSize => Options.BatchSize;

    /// <summary>The evaluator's generator: its state goes into training checkpoints.</summary>
    internal Generator Generator => _sampler.Generator;

    /// <summary>The frozen draw, built once.</summary>
    internal EvaluationDraw FrozenDraw => _frozen;

    /// <summary>The draw used by the last evaluation, or null before the first (for tests).</summary>
    internal EvaluationDraw? LastDraw => _last;

    /// <inheritdoc/>
    /// <remarks>Returns the float32 mean MSE as a double. Checks the token once, before computing.</remarks>
    /// <exception cref="ObjectDisposedException">The evaluator was disposed.</exception>
    public double Evaluate(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pipeline = _method.Pipeline!;
        var draw = NextDraw();
        bool unetTraining = pipeline.Unet.training;
        bool textTraining = pipeline.TextEncoder.training;
        pipeline.Unet.eval();
        pipeline.TextEncoder.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var batch = new DiffusionBatch(
                Latents(draw),
                InputIds(draw),
                draw.Timesteps.to(pipeline.Device),
                draw.Noise.to(pipeline.Dtype, pipeline.Device),
                BatchSize);
            var loss = _objective.Loss(batch, States(draw));
            return loss.item<float>();
        }
        finally
        {
            pipeline.Unet.train(unetTraining);
            pipeline.TextEncoder.train(textTraining);
        }
    }

    /// <summary>Disposes the generator, the draws and the caches.</summary>
    public void Dispose()
    {
        _sampler.Dispose();
        if (!ReferenceEquals(_last, _frozen))
        {
            _last?.Dispose();
        }

        _frozen.Dispose();
        _frozenLatents?.Dispose();
        _frozenStates?.Dispose();
        if (_ownsPosteriors)
        {
            _posteriors.Dispose();
        }
    }

    /// <summary>Throws unless the data's placeholder is the method's.</summary>
    internal static void CheckPlaceholder(PersonalizationMethod method, ConceptData data, string paramName)
    {
        if (!string.Equals(data.Placeholder, method.Placeholder, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The concept's placeholder '{data.Placeholder}' is not the {method.Name} method's placeholder '{method.Placeholder}'.", paramName);
        }
    }

    private EvaluationDraw NextDraw()
    {
        if (!ReferenceEquals(_last, _frozen))
        {
            _last?.Dispose();
        }

        _last = FrozenSources == FrozenSources.All ? _frozen : _sampler.Redraw(_frozen, FrozenSources);
        return _last;
    }

    private Tensor Latents(EvaluationDraw draw)
    {
        if (!FrozenSources.HasFlag(FrozenSources.Images) || !FrozenSources.HasFlag(FrozenSources.Latents))
        {
            return SampleScaled(draw);
        }

        _frozenLatents ??= SampleScaled(draw).DetachFromDisposeScope();
        return _frozenLatents;
    }

    private Tensor SampleScaled(EvaluationDraw draw)
    {
        if (draw.Augmentations is not { } augmentations)
        {
            return _posteriors.SampleScaled(draw.ImageIndices, draw.Flips, draw.LatentNoise);
        }

        var (pixels, masks, _) = RescaleAugmentation.ApplyBatch(_data.Images, draw.ImageIndices, augmentations, _method.Pipeline!.VaeScaleFactor);
        using (pixels)
        using (masks)
        {
            return TrainingBatchSampler.EncodeScaled(_method.Pipeline!, pixels, draw.LatentNoise);
        }
    }

    private Tensor InputIds(EvaluationDraw draw)
    {
        var prompts = draw.TemplateIndices.Select((t, i) => draw.Prefixes[i] + _data.Prompt((int)t)).ToList();
        return _method.Pipeline!.Tokenizer.EncodeToTensor(prompts, _method.Pipeline.Device);
    }

    private Tensor States(EvaluationDraw draw)
    {
        if (_method.TrainsTextConditioning || !FrozenSources.HasFlag(FrozenSources.Captions))
        {
            return _objective.EncodePrompts(InputIds(draw), withGradient: false);
        }

        if (_frozenStates is null)
        {
            using var ids = InputIds(draw);
            _frozenStates = _objective.EncodePrompts(ids, withGradient: false).DetachFromDisposeScope();
        }

        return _frozenStates;
    }
}
