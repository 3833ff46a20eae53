using Dvar.Stopping.TorchSharp.StableDiffusion;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization;

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
/// </remarks>
internal sealed class TrainingBatchSampler
{
    private readonly StableDiffusionPipeline _pipeline;
    private readonly ConceptData _data;
    private readonly LatentPosteriorCache _instances;
    private readonly LatentPosteriorCache? _classes;
    private readonly int _batchSize;
    private readonly bool _randomFlip;

    /// <summary>Creates a sampler.</summary>
    /// <param name="pipeline">The pipeline (tokenizer, scheduler, device, dtype).</param>
    /// <param name="data">The concept.</param>
    /// <param name="instances">The posterior cache of <see cref="ConceptData.Images"/>.</param>
    /// <param name="classes">The posterior cache of <see cref="ConceptData.ClassImages"/>, or null without prior preservation.</param>
    /// <param name="batchSize">B, the instance items per batch.</param>
    /// <param name="randomFlip">Whether images are mirrored at random.</param>
    public TrainingBatchSampler(
        StableDiffusionPipeline pipeline, ConceptData data, LatentPosteriorCache instances, LatentPosteriorCache? classes, int batchSize, bool randomFlip)
    {
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
        var (indices, flips) = DrawItems(_data.Images.Count, generator);
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

        var latents = _instances.SampleScaled(indices, flips, latentNoise.narrow(0, 0, _batchSize));
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
            _batchSize);
        return batch;
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
