namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The outcomes of Custom Diffusion's random-rescale augmentation (see <see cref="RescaleAugmentation"/>).</summary>
internal enum RescaleBranch
{
    /// <summary>The scale is below 0.6 · size: the photo is shrunk and pasted into a zero canvas ("a far away ", "very small ").</summary>
    FarAway,

    /// <summary>The authors' style, scale between 0.6 · size and the size: the photo is resized to the size, no prefix, no mask.</summary>
    Whole,

    /// <summary>diffusers' style, scale between 0.6 · size and the size: pasted into a zero canvas like
    /// <see cref="FarAway"/>, without a prefix.</summary>
    Placed,

    /// <summary>The scale is above the size: the photo is enlarged and a size x size window cut ("zoomed in ", "close up ").</summary>
    ZoomedIn,
}
