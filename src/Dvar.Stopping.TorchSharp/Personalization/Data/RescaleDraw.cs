namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The random values of one item of Custom Diffusion's random-rescale augmentation (see <see cref="RescaleAugmentation"/>).</summary>
/// <param name="Size">The training resolution S.</param>
/// <param name="Flip">Whether the original is mirrored before resizing.</param>
/// <param name="Scale">The side the photo is resized to (always even in the authors' style).</param>
/// <param name="PrefixIndex">Which of the branch's two caption prefixes (0 or 1); 0 and unused without a prefix.</param>
/// <param name="Top">The first row: where the shrunk photo is pasted into the canvas, or where the S x S window is cut from the
/// enlarged photo; 0 and unused for <see cref="RescaleBranch.Whole"/>.</param>
/// <param name="Left">The first column, likewise.</param>
/// <param name="Style">Whose augmentation drew it.</param>
internal readonly record struct RescaleDraw(int Size, bool Flip, int Scale, int PrefixIndex, int Top, int Left, RescaleStyle Style = RescaleStyle.Authors)
{
    /// <summary>The branch the scale selects: <c>Scale &gt; Size</c> zoomed in, <c>Scale &lt; 0.6 · Size</c> far away, else
    /// whole (authors) or placed (diffusers).</summary>
    public RescaleBranch Branch =>
        Scale > Size ? RescaleBranch.ZoomedIn
        : Scale < 0.6 * Size ? RescaleBranch.FarAway
        : Style == RescaleStyle.Authors ? RescaleBranch.Whole : RescaleBranch.Placed;

    /// <summary>The text put before the instance caption: <c>"a far away "</c> / <c>"very small "</c>,
    /// <c>"zoomed in "</c> / <c>"close up "</c>, or empty.</summary>
    public string Prefix => Branch switch
    {
        RescaleBranch.FarAway => PrefixIndex == 0 ? "a far away " : "very small ",
        RescaleBranch.ZoomedIn => PrefixIndex == 0 ? "zoomed in " : "close up ",
        _ => string.Empty,
    };
}
