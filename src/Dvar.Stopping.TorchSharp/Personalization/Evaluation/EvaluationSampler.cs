using Dvar.Stopping.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Evaluation;

/// <summary>Draws the deterministic evaluator's batches from its own CPU generator.</summary>
/// <remarks>
/// <para>The frozen batch, drawn once, in this order: item i is dataset item i (image <c>i mod N</c>, template
/// <c>i mod T</c>, no draw); flips <c>randint(0, 2, [B])</c> (only when the method flips at random; else none is mirrored);
/// VAE posterior noise <c>randn([B, C, h, w])</c>; timesteps, the first B of <c>randperm(T_train)</c> (distinct);
/// diffusion noise <c>randn([B, C, h, w])</c>.</para>
/// <para>At each evaluation the sources that are not frozen are redrawn, in this order, and the frozen ones copied:
/// images (<c>randint(0, N, [B])</c>, then flips as above), captions (<c>randint(0, T, [B])</c>), VAE posterior noise
/// (also whenever the images are redrawn: new images need new latents), timesteps (first B of a new
/// <c>randperm(T_train)</c>), diffusion noise. Everything is float32/int64 on the CPU.</para>
/// <para>With Custom Diffusion's random rescaling (<see cref="RescaleAugmentation.StyleFor"/>) every flip draw above is
/// replaced by one augmentation draw per item in turn (its flip <c>rand(1) &lt; 0.5</c> when the method flips, then
/// <see cref="RescaleAugmentation.Draw(Generator, int, bool, RescaleStyle)"/>): in the frozen batch at the
/// flips' place, and after redrawn images. The augmentation belongs to the image: frozen images keep theirs. The caption
/// prefix belongs to the caption, as in the authors' code (where frozen captions keep the frozen batch's token ids): frozen
/// captions keep the frozen prefix; redrawn captions take a new template and the prefix of the item's current
/// augmentation.</para>
/// </remarks>
internal sealed class EvaluationSampler : IDisposable
{
    private readonly ConceptData _data;
    private readonly long[] _latentShape;
    private readonly int _numTrainTimesteps;
    private readonly bool _randomFlip;
    private readonly int _batchSize;
    private readonly RescaleStyle? _rescale;

    /// <summary>Creates a sampler with its own generator.</summary>
    /// <param name="data">The concept.</param>
    /// <param name="latentShape">The shape [C, h, w] of one latent.</param>
    /// <param name="numTrainTimesteps">T_train.</param>
    /// <param name="randomFlip">Whether the method mirrors images at random.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <param name="rescale">Whose version of Custom Diffusion's random rescaling items get, or null for none.</param>
    public EvaluationSampler(ConceptData data, long[] latentShape, int numTrainTimesteps, bool randomFlip, int batchSize, long seed, RescaleStyle? rescale = null)
    {
        _rescale = rescale;
        _data = data;
        _latentShape = latentShape;
        _numTrainTimesteps = numTrainTimesteps;
        _randomFlip = randomFlip;
        _batchSize = batchSize;
        Generator = new Generator((ulong)seed, CPU);
    }

    /// <summary>The evaluator's generator (its state is saved in checkpoints).</summary>
    public Generator Generator { get; }

    /// <summary>Draws the frozen batch (call once, first).</summary>
    /// <returns>The draw; the caller owns it.</returns>
    public EvaluationDraw DrawFrozen()
    {
        var items = Enumerable.Range(0, _batchSize).Select(i => _data.ItemAt(i)).ToArray();
        long[] images = [.. items.Select(item => (long)item.ImageIndex)];
        long[] templates = [.. items.Select(item => (long)item.TemplateIndex)];
        var (flips, augmentations) = DrawFlipsOrAugmentations();
        var latentNoise = DrawNormal();
        var timesteps = DrawTimesteps();
        var noise = DrawNormal();
        return new EvaluationDraw(images, flips, templates, latentNoise, timesteps, noise, augmentations, Prefixes(augmentations));
    }

    /// <summary>Redraws the sources that are not frozen and copies the rest from <paramref name="frozen"/>.</summary>
    /// <param name="frozen">The frozen draw.</param>
    /// <param name="sources">The frozen sources.</param>
    /// <returns>A new draw; the caller owns it.</returns>
    public EvaluationDraw Redraw(EvaluationDraw frozen, FrozenSources sources)
    {
        bool imagesFrozen = sources.HasFlag(FrozenSources.Images);
        long[] images = imagesFrozen ? frozen.ImageIndices : DrawIndices(_data.Images.Count);
        var (flips, augmentations) = imagesFrozen ? (frozen.Flips, frozen.Augmentations) : DrawFlipsOrAugmentations();
        bool captionsFrozen = sources.HasFlag(FrozenSources.Captions);
        long[] templates = captionsFrozen ? frozen.TemplateIndices : DrawIndices(_data.Templates.Count);
        string[] prefixes = captionsFrozen ? frozen.Prefixes : Prefixes(augmentations);
        var latentNoise = imagesFrozen && sources.HasFlag(FrozenSources.Latents) ? frozen.LatentNoise.clone() : DrawNormal();
        var timesteps = sources.HasFlag(FrozenSources.Timesteps) ? frozen.Timesteps.clone() : DrawTimesteps();
        var noise = sources.HasFlag(FrozenSources.Noise) ? frozen.Noise.clone() : DrawNormal();
        return new EvaluationDraw(images, flips, templates, latentNoise, timesteps, noise, augmentations, prefixes);
    }

    /// <summary>Disposes the generator.</summary>
    public void Dispose() => Generator.Dispose();

    private (bool[] Flips, RescaleDraw[]? Augmentations) DrawFlipsOrAugmentations()
    {
        if (_rescale is not { } style)
        {
            return (DrawFlips(), null);
        }

        RescaleDraw[] augmentations = [.. Enumerable.Range(0, _batchSize).Select(_ => RescaleAugmentation.Draw(Generator, _data.Images.Resolution, _randomFlip, style))];
        return ([.. augmentations.Select(a => a.Flip)], augmentations);
    }

    private string[] Prefixes(RescaleDraw[]? augmentations) =>
        augmentations is null ? new string[_batchSize].Select(_ => string.Empty).ToArray() : [.. augmentations.Select(a => a.Prefix)];

    private bool[] DrawFlips() =>
        _randomFlip ? [.. DrawIndices(2).Select(f => f == 1)] : new bool[_batchSize];

    private long[] DrawIndices(int count)
    {
        using var drawn = randint(0L, count, new long[] { _batchSize }, ScalarType.Int64, CPU, generator: Generator);
        return drawn.data<long>().ToArray();
    }

    private Tensor DrawNormal() => randn([_batchSize, .. _latentShape], ScalarType.Float32, CPU, generator: Generator);

    private Tensor DrawTimesteps()
    {
        using var permutation = randperm(_numTrainTimesteps, ScalarType.Int64, CPU, generator: Generator);
        return permutation.narrow(0, 0, _batchSize).clone();
    }
}
