using Dvar.Stopping.TorchSharp.Imaging;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Custom Diffusion's random-rescale augmentation of instance images, in the DVAR authors' version (<c>data.py</c>,
/// <c>TextualInversionDataset.__getitem__</c> with prior preservation and <c>random_rescaling</c>) and in diffusers' (v0.26.3,
/// <c>train_custom_diffusion.py</c>, <c>CustomDiffusionDataset.preprocess</c> and <c>__getitem__</c>).</summary>
/// <remarks>
/// <para>The authors' draws, in their order, for resolution S: the flip (<c>rand(1) &lt; 0.5</c>, as torchvision's
/// <c>RandomHorizontalFlip</c>; only when the method flips at random), then <c>randint(0, 3) &lt; 2</c> selecting
/// <c>scale = randint(S // 3, S + 1)</c> (2 in 3) or <c>randint(int(1.2 S), int(1.4 S))</c> (1 in 3); an odd scale gets + 1.
/// Below 0.6 S ("far away") or above S ("zoomed in") follow the prefix <c>randint(0, 2)</c> and the centre
/// <c>cx = randint(lo, hi)</c>, <c>cy = randint(lo, hi)</c>, with <c>[scale // 2, S - scale // 2 + 1)</c> far away and
/// <c>[S // 2, scale - S // 2 + 1)</c> zoomed in; the draw keeps the corner <c>cx − scale / 2</c> (far away) or
/// <c>cx − S / 2</c> (zoomed in). Between 0.6 S and S the photo is resized to S whole, with no mask and no prefix. Every draw
/// is a <c>[1]</c>-shaped int64 (the flip float32) tensor.</para>
/// <para>diffusers' draws, in their order: the flip (the same, only with <c>--hflip</c>), <c>uniform() &lt; 0.66</c>
/// selecting <c>scale = randint(S // 3, S + 1)</c> or <c>randint(int(1.2 S), int(1.4 S))</c> (no rounding to even), the corner
/// <c>top = randint(0, outer − inner + 1)</c>, <c>left</c> likewise, with (outer, inner) = (scale, S) when the scale is above S
/// and (S, scale) otherwise (so a scale of S draws two zeros), then the prefix <c>choice</c> of two when the scale is below
/// 0.6 S or above S. diffusers draws from NumPy's generator; here they come from the given torch generator, a float64
/// <c>rand(1)</c> for the uniform and <c>[1]</c>-shaped int64 <c>randint</c>s for the rest.</para>
/// <para>Applying a draw to the upright original: mirror it (when drawn) before resizing, resize to <c>scale x scale</c> with
/// Pillow's bilinear filter (bit-exact), scale to <c>u / 127.5 − 1</c> (computed in double, stored as float32). Pasted (far
/// away, and in diffusers' style every scale up to S): into a zero S x S canvas at rows <c>top .. top + scale</c> and columns
/// <c>left .. left + scale</c>; the mask (S/8 x S/8) is 1 on rows <c>top // 8 + 1 : (top + scale) // 8 − 1</c> (a Python
/// slice, so an end of −1 means "up to the last") and likewise on the columns, 0 elsewhere. Zoomed in: cut rows
/// <c>top .. top + S</c> and columns <c>left .. left + S</c>; mask all 1. Whole (authors): resize to S; mask all 1. The
/// branch's prefix goes before the caption.</para>
/// <para>Not reproduced: the class images' own transform in both sources (Resize, RandomCrop or CenterCrop, flip), which this
/// project replaces by its class-image cache; NumPy's random stream.</para>
/// </remarks>
internal static class RescaleAugmentation
{
    /// <summary>Whether a method's training of a concept uses the augmentation (see <see cref="StyleFor"/>).</summary>
    /// <param name="method">The method.</param>
    /// <param name="data">The concept.</param>
    /// <returns>Whether instance items are augmented.</returns>
    public static bool AppliesTo(PersonalizationMethod method, ConceptData data) => StyleFor(method, data) is not null;

    /// <summary>Which augmentation a method's training of a concept uses: none unless the method's
    /// <see cref="PersonalizationDefaults.RescaleAugmentation"/> is set; then diffusers' under
    /// <see cref="TrainingRecipe.Diffusers"/> (with or without class images, as diffusers' script), and the authors' under
    /// <see cref="TrainingRecipe.Authors"/> with class images (the authors use it only with prior preservation).</summary>
    /// <param name="method">The method.</param>
    /// <param name="data">The concept.</param>
    /// <returns>The style, or null when instance items are not augmented.</returns>
    public static RescaleStyle? StyleFor(PersonalizationMethod method, ConceptData data)
    {
        var defaults = method.Defaults;
        if (!defaults.RescaleAugmentation)
        {
            return null;
        }

        return defaults.Recipe == TrainingRecipe.Diffusers ? RescaleStyle.Diffusers
            : data.HasPriorPreservation ? RescaleStyle.Authors
            : null;
    }

    /// <summary>Throws when the augmentation applies but the instance images' originals were not kept.</summary>
    /// <param name="method">The method.</param>
    /// <param name="data">The concept.</param>
    /// <param name="paramName">The name of the data argument or option.</param>
    /// <exception cref="ArgumentException">The originals are missing.</exception>
    public static void CheckOriginals(PersonalizationMethod method, ConceptData data, string paramName)
    {
        if (AppliesTo(method, data) && !data.Images.HasOriginals)
        {
            throw new ArgumentException(
                $"The {method.Name} method rescales instance photos at random, so the instance images of {data.Images.Folder} must be loaded with {nameof(ConceptImageOptions)}.{nameof(ConceptImageOptions.KeepOriginals)} = true (method.Defaults.ImageOptions does).",
                paramName);
        }
    }

    /// <summary>Draws one item's augmentation from a CPU generator, flip first, in the style's order.</summary>
    /// <param name="generator">The generator (CPU).</param>
    /// <param name="size">The resolution S (a multiple of 8).</param>
    /// <param name="randomFlip">Whether to draw the flip (else not mirrored and nothing drawn for it).</param>
    /// <param name="style">Whose augmentation.</param>
    /// <returns>The draw.</returns>
    public static RescaleDraw Draw(Generator generator, int size, bool randomFlip, RescaleStyle style = RescaleStyle.Authors)
    {
        bool flip = false;
        if (randomFlip)
        {
            using var u = rand(new long[] { 1 }, ScalarType.Float32, CPU, generator: generator);
            flip = u.item<float>() < 0.5f;
        }

        long Randint(long low, long high)
        {
            using var drawn = randint(low, high, new long[] { 1 }, ScalarType.Int64, CPU, generator: generator);
            return drawn.item<long>();
        }

        if (style == RescaleStyle.Diffusers)
        {
            return DrawDiffusers(size, flip, () =>
            {
                using var drawn = rand(new long[] { 1 }, ScalarType.Float64, CPU, generator: generator);
                return drawn.item<double>();
            }, Randint);
        }

        return Draw(size, flip, Randint);
    }

    /// <summary>The authors' integer draws in their order, each asked of <paramref name="randint"/>.</summary>
    /// <param name="size">The resolution S.</param>
    /// <param name="flip">The flip, already drawn.</param>
    /// <param name="randint">Returns a value in <c>[low, high)</c>; called with (low, high) exactly as data.py calls
    /// <c>torch.randint</c>.</param>
    /// <returns>The draw.</returns>
    public static RescaleDraw Draw(int size, bool flip, Func<long, long, long> randint)
    {
        ArgumentNullException.ThrowIfNull(randint);
        bool smaller = randint(0, 3) < 2;
        long scale = smaller ? randint(size / 3, size + 1) : randint((int)(1.2 * size), (int)(1.4 * size));
        if (scale % 2 == 1)
        {
            scale++;
        }

        var draw = new RescaleDraw(size, flip, (int)scale, 0, 0, 0);
        var (low, high, half) = draw.Branch switch
        {
            RescaleBranch.FarAway => (scale / 2, size - (scale / 2) + 1, scale / 2),
            RescaleBranch.ZoomedIn => (size / 2, scale - (size / 2) + 1, size / 2),
            _ => (0L, 0L, 0L),
        };
        if (draw.Branch == RescaleBranch.Whole)
        {
            return draw;
        }

        int prefix = (int)randint(0, 2);
        long row = randint(low, high);
        long column = randint(low, high);
        return draw with { PrefixIndex = prefix, Top = (int)(row - half), Left = (int)(column - half) };
    }

    /// <summary>diffusers' draws in their order.</summary>
    /// <param name="size">The resolution S.</param>
    /// <param name="flip">The flip, already drawn.</param>
    /// <param name="uniform">Returns a value in <c>[0, 1)</c>, as <c>np.random.uniform()</c>.</param>
    /// <param name="randint">Returns a value in <c>[low, high)</c>, as <c>np.random.randint(low, high)</c>; the prefix's
    /// <c>np.random.choice</c> of two is asked as <c>randint(0, 2)</c>.</param>
    /// <returns>The draw.</returns>
    public static RescaleDraw DrawDiffusers(int size, bool flip, Func<double> uniform, Func<long, long, long> randint)
    {
        ArgumentNullException.ThrowIfNull(uniform);
        ArgumentNullException.ThrowIfNull(randint);
        long scale = uniform() < 0.66 ? randint(size / 3, size + 1) : randint((int)(1.2 * size), (int)(1.4 * size));
        var (outer, inner) = scale > size ? (scale, (long)size) : (size, scale);
        long top = randint(0, outer - inner + 1);
        long left = randint(0, outer - inner + 1);
        var draw = new RescaleDraw(size, flip, (int)scale, 0, (int)top, (int)left, RescaleStyle.Diffusers);
        return draw.Branch is RescaleBranch.FarAway or RescaleBranch.ZoomedIn ? draw with { PrefixIndex = (int)randint(0, 2) } : draw;
    }

    /// <summary>Applies a draw to an upright original.</summary>
    /// <param name="original">The decoded photo.</param>
    /// <param name="draw">The draw.</param>
    /// <param name="cellSize">The pixels per mask cell: the VAE's downsampling factor f, which makes the mask the latent's size
    /// (the authors write 8, SD's f).</param>
    /// <returns>Float32 CPU tensors, pixels <c>[3, S, S]</c> in [-1, 1] (0 where padded) and mask <c>[S/f, S/f]</c> of 0/1,
    /// owned by the caller, and the caption prefix.</returns>
    public static (Tensor Pixels, Tensor Mask, string Prefix) Apply(OriginalImage original, RescaleDraw draw, int cellSize = 8)
    {
        ArgumentNullException.ThrowIfNull(original);
        int size = draw.Size;
        int scale = draw.Branch == RescaleBranch.Whole ? size : draw.Scale;
        var source = draw.Flip ? original.Mirrored() : original;
        byte[] resized = PillowResampler.Resize(source.Pixels, source.Height, source.Width, 3, scale, scale, PillowFilter.Bilinear);
        var pixels = new float[3 * size * size];
        int cells = size / cellSize;
        var mask = new float[cells * cells];
        switch (draw.Branch)
        {
            case RescaleBranch.FarAway:
            case RescaleBranch.Placed:
                Copy(resized, scale, sourceTop: 0, sourceLeft: 0, pixels, size, top: draw.Top, left: draw.Left, extent: scale);
                var (rowStart, rowEnd) = PythonSlice((draw.Top / cellSize) + 1, ((draw.Top + scale) / cellSize) - 1, cells);
                var (columnStart, columnEnd) = PythonSlice((draw.Left / cellSize) + 1, ((draw.Left + scale) / cellSize) - 1, cells);
                for (int r = rowStart; r < rowEnd; r++)
                {
                    Array.Fill(mask, 1f, (r * cells) + columnStart, columnEnd - columnStart);
                }

                break;
            case RescaleBranch.ZoomedIn:
                Copy(resized, scale, draw.Top, draw.Left, pixels, size, top: 0, left: 0, extent: size);
                Array.Fill(mask, 1f);
                break;
            default:
                Copy(resized, scale, 0, 0, pixels, size, 0, 0, size);
                Array.Fill(mask, 1f);
                break;
        }

        return (tensor(pixels, new long[] { 3, size, size }), tensor(mask, new long[] { cells, cells }), draw.Prefix);
    }

    /// <summary>Applies one draw per item to a concept's originals.</summary>
    /// <param name="images">The images, loaded with <see cref="ConceptImageOptions.KeepOriginals"/>.</param>
    /// <param name="indices">The image of each item.</param>
    /// <param name="draws">The draw of each item.</param>
    /// <param name="cellSize">The VAE's downsampling factor f (see <see cref="Apply"/>).</param>
    /// <returns>Float32 CPU pixels <c>[B, 3, S, S]</c> and masks <c>[B, 1, S/f, S/f]</c> (owned by the caller) and the prefixes.</returns>
    public static (Tensor Pixels, Tensor Masks, string[] Prefixes) ApplyBatch(ConceptImages images, long[] indices, RescaleDraw[] draws, int cellSize)
    {
        using var scope = NewDisposeScope();
        var pixels = new Tensor[indices.Length];
        var masks = new Tensor[indices.Length];
        var prefixes = new string[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            (pixels[i], masks[i], prefixes[i]) = Apply(images.Original((int)indices[i]), draws[i], cellSize);
        }

        var batch = stack(pixels);
        var maskBatch = stack(masks).unsqueeze(1);
        return (batch.MoveToOuterDisposeScope(), maskBatch.MoveToOuterDisposeScope(), prefixes);
    }

    /// <summary>Python's <c>a[start:stop]</c> bounds on a sequence of <paramref name="length"/>: negative ends count from the end.</summary>
    internal static (int Start, int Stop) PythonSlice(int start, int stop, int length)
    {
        static int Normalise(int i, int length) => Math.Clamp(i < 0 ? i + length : i, 0, length);
        int s = Normalise(start, length);
        int e = Normalise(stop, length);
        return (s, Math.Max(s, e));
    }

    /// <summary>Copies an <paramref name="extent"/>² window of an interleaved resized image into planar <c>[3, size, size]</c>
    /// values <c>u / 127.5 − 1</c>.</summary>
    private static void Copy(
        byte[] resized, int scale, int sourceTop, int sourceLeft, float[] pixels, int size, int top, int left, int extent)
    {
        for (int y = 0; y < extent; y++)
        {
            for (int x = 0; x < extent; x++)
            {
                int from = ((((sourceTop + y) * scale) + sourceLeft + x) * 3);
                for (int c = 0; c < 3; c++)
                {
                    pixels[(((c * size) + top + y) * size) + left + x] = (float)((resized[from + c] / 127.5) - 1.0);
                }
            }
        }
    }
}
