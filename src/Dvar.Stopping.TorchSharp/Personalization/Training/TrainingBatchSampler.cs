using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>Draws the fully random training batches, everything from one CPU <see cref="Generator"/>.</summary>
/// <remarks>
/// Draw order per batch of B instance items (fixed: changing it changes every run):
/// <list type="number">
/// <item>image indices: <c>randint(0, N, [B])</c> (int64);</item>
/// <item>flips, only when the method flips at random: <c>randint(0, 2, [B])</c>, 1 = mirrored;</item>
/// <item>template indices: <c>randint(0, T, [B])</c>;</item>
/// <item>with prior preservation, B class items: class image indices <c>randint(0, N_class, [B])</c>, then class flips
/// (only when the method flips); each is captioned with its own entry of <see cref="ConceptData.ClassPrompts"/>;</item>
/// <item>VAE posterior noise: <c>randn([B', C, h, w])</c> float32, B' = B, or 2B with the class rows after the instance rows;</item>
/// <item>timesteps: <c>randint(0, T_train, [B'])</c>;</item>
/// <item>diffusion noise: <c>randn([B', C, h, w])</c> float32.</item>
/// </list>
/// Everything is drawn on the CPU and then moved to the pipeline's device (and dtype), so a seed gives the same batches on
/// every device.
/// <para>With Custom Diffusion's random rescaling (<see cref="RescaleAugmentation.StyleFor"/>) step 2 is replaced: for each
/// instance item in turn, its flip (<c>rand(1) &lt; 0.5</c>, only when the method flips) and then its augmentation draws
/// (<see cref="RescaleAugmentation.Draw(Generator, int, bool, RescaleStyle)"/>); the other steps are
/// unchanged. The instance rows' latents are then the VAE posterior of the augmented pixels, encoded anew at every step under
/// <c>no_grad</c> (as a batch) instead of the posterior cache, sampled with the instance rows of the posterior noise; their
/// captions get the augmentation's prefix and the batch carries their loss mask.</para>
/// </remarks>
internal sealed class TrainingBatchSampler
{
    private readonly StableDiffusionPipeline _pipeline;
    private readonly ConceptData _data;
    private readonly LatentPosteriorCache _instances;
    private readonly LatentPosteriorCache? _classes;
    private readonly int _batchSize;
    private readonly bool _randomFlip;
    private readonly RescaleStyle? _rescale;

    /// <summary>Creates a sampler.</summary>
    /// <param name="pipeline">The pipeline (tokenizer, scheduler, device, dtype).</param>
    /// <param name="data">The concept.</param>
    /// <param name="instances">The posterior cache of <see cref="ConceptData.Images"/>.</param>
    /// <param name="classes">The posterior cache of <see cref="ConceptData.ClassImages"/>, or null without prior preservation.</param>
    /// <param name="batchSize">B, the instance items per batch.</param>
    /// <param name="randomFlip">Whether images are mirrored at random.</param>
    /// <param name="rescale">Whose version of Custom Diffusion's random rescaling instance items get, or null for none (needs the
    /// instance originals).</param>
    public TrainingBatchSampler(
        StableDiffusionPipeline pipeline, ConceptData data, LatentPosteriorCache instances, LatentPosteriorCache? classes, int batchSize, bool randomFlip,
        RescaleStyle? rescale = null)
    {
        _rescale = rescale;
        _pipeline = pipeline;
        _data = data;
        _instances = instances;
        _classes = classes;
        _batchSize = batchSize;
        _randomFlip = randomFlip;
    }

    /// <summary>Draws the next batch.</summary>
    /// <param name="generator">The training generator (CPU).</param>
    /// <returns>The batch; the caller owns it.</returns>
    public DiffusionBatch Draw(Generator generator)
    {
        using var scope = NewDisposeScope();
        RescaleDraw[]? augmentations = null;
        long[] indices;
        bool[] flips;
        if (_rescale is { } style)
        {
            indices = DrawIndices(_data.Images.Count, generator);
            augmentations = [.. indices.Select(_ => RescaleAugmentation.Draw(generator, _data.Images.Resolution, _randomFlip, style))];
            flips = [.. augmentations.Select(a => a.Flip)];
        }
        else
        {
            (indices, flips) = DrawItems(_data.Images.Count, generator);
        }

        long[] templates = DrawIndices(_data.Templates.Count, generator);
        var prompts = templates.Select(t => _data.Prompt((int)t)).ToList();
        (long[] Indices, bool[] Flips)? classItems = null;
        if (_classes is not null)
        {
            classItems = DrawItems(_data.ClassImages!.Count, generator);
            prompts.AddRange(classItems.Value.Indices.Select(i => _data.ClassPrompts![(int)i]));
        }

        long rows = prompts.Count;
        long[] shape = [rows, .. _instances.LatentShape];
        var latentNoise = randn(shape, ScalarType.Float32, CPU, generator: generator);
        var timesteps = randint(0L, _pipeline.Scheduler.NumTrainTimesteps, new long[] { rows }, ScalarType.Int64, CPU, generator: generator);
        var noise = randn(shape, ScalarType.Float32, CPU, generator: generator);

        Tensor latents;
        Tensor? mask = null;
        if (augmentations is not null)
        {
            var (pixels, masks, prefixes) = RescaleAugmentation.ApplyBatch(_data.Images, indices, augmentations, _pipeline.VaeScaleFactor);
            for (int i = 0; i < _batchSize; i++)
            {
                prompts[i] = prefixes[i] + prompts[i];
            }

            latents = EncodeScaled(_pipeline, pixels, latentNoise.narrow(0, 0, _batchSize));
            mask = masks.to(_pipeline.Device);
        }
        else
        {
            latents = _instances.SampleScaled(indices, flips, latentNoise.narrow(0, 0, _batchSize));
        }

        if (classItems is { } c)
        {
            var classLatents = _classes!.SampleScaled(c.Indices, c.Flips, latentNoise.narrow(0, _batchSize, _batchSize));
            latents = cat([latents, classLatents], 0);
        }

        var batch = new DiffusionBatch(
            latents.MoveToOuterDisposeScope(),
            _pipeline.Tokenizer.EncodeToTensor(prompts, _pipeline.Device).MoveToOuterDisposeScope(),
            timesteps.to(_pipeline.Device).MoveToOuterDisposeScope(),
            noise.to(_pipeline.Dtype, _pipeline.Device).MoveToOuterDisposeScope(),
            _batchSize,
            mask?.MoveToOuterDisposeScope());
        return batch;
    }

    /// <summary>VAE-encodes pixels under <c>no_grad</c> and samples scaled latents <c>(mean + std · ε) · scaling_factor</c>.</summary>
    /// <param name="pipeline">The pipeline whose VAE encodes.</param>
    /// <param name="pixels">Float32 CPU pixels [B, 3, R, R] in [-1, 1].</param>
    /// <param name="eps">Standard normal noise [B, C, R / f, R / f].</param>
    /// <returns>The latents in the pipeline's dtype on its device; the caller owns them.</returns>
    internal static Tensor EncodeScaled(StableDiffusionPipeline pipeline, Tensor pixels, Tensor eps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var posterior = pipeline.Vae.Encode(pixels.to(pipeline.Dtype, pipeline.Device));
        var noise = eps.to(posterior.Mean.dtype, posterior.Mean.device);
        return posterior.Mean.Plus(posterior.Std * noise).Times(pipeline.Vae.ScalingFactor).MoveToOuterDisposeScope();
    }

    private (long[] Indices, bool[] Flips) DrawItems(int count, Generator generator)
    {
        long[] indices = DrawIndices(count, generator);
        bool[] flips = _randomFlip ? [.. DrawIndices(2, generator).Select(f => f == 1)] : new bool[_batchSize];
        return (indices, flips);
    }

    private long[] DrawIndices(int count, Generator generator)
    {
        using var drawn = randint(0L, count, new long[] { _batchSize }, ScalarType.Int64, CPU, generator: generator);
        return drawn.data<long>().ToArray();
    }
}
