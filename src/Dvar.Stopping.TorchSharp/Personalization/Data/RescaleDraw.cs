namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The random values of one item of Custom Diffusion's random-rescale augmentation (see <see cref="RescaleAugmentation"/>).</summary>
/// <param name="Size">The training resolution S.</param>
/// <param name="Flip">Whether the original is mirrored before resizing.</param>
/// <param name="Scale">The (even) side the photo is resized to.</param>
/// <param name="PrefixIndex">Which of the branch's two caption prefixes (0 or 1); 0 and unused for <see cref="RescaleBranch.Whole"/>.</param>
/// <param name="CenterRow">The centre row cx (the paste position or crop window); 0 and unused for <see cref="RescaleBranch.Whole"/>.</param>
/// <param name="CenterColumn">The centre column cy; 0 and unused for <see cref="RescaleBranch.Whole"/>.</param>
internal readonly record struct RescaleDraw(int Size, bool Flip, int Scale, int PrefixIndex, int CenterRow, int CenterColumn)
{
    /// <summary>The branch the scale selects: <c>Scale &lt; 0.6 · Size</c> far away, <c>Scale &gt; Size</c> zoomed in, else whole.</summary>
    public RescaleBranch Branch =>
        Scale < 0.6 * Size ? RescaleBranch.FarAway : Scale > Size ? RescaleBranch.ZoomedIn : RescaleBranch.Whole;

    /// <summary>The text put before the instance caption: <c>"a far away "</c> / <c>"very small "</c>,
    /// <c>"zoomed in "</c> / <c>"close up "</c>, or empty.</summary>
    public string Prefix => Branch switch
    {
        RescaleBranch.FarAway => PrefixIndex == 0 ? "a far away " : "very small ",
        RescaleBranch.ZoomedIn => PrefixIndex == 0 ? "zoomed in " : "close up ",
        _ => string.Empty,
    };
}
