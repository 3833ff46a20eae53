namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Whose version of Custom Diffusion's random-rescale augmentation to draw (see <see cref="RescaleAugmentation"/>).</summary>
internal enum RescaleStyle
{
    /// <summary>The DVAR authors' <c>data.py</c>: 2 in 3 shrunk, even scales, centred draws, the photo resized whole between
    /// 0.6 · S and S.</summary>
    Authors,

    /// <summary>diffusers' <c>train_custom_diffusion.py</c> (v0.26.3): p = 0.66 shrunk, any scale, a top-left corner drawn for
    /// every scale, the photo pasted (and its loss mask drawn one latent cell inside it) whenever it is not enlarged.</summary>
    Diffusers,
}
