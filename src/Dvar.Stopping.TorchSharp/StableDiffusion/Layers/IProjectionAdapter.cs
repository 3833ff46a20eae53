using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>What a personalization method puts into a <see cref="Projection"/>'s slot to change how it projects (diffusers'
/// attention processors play this part): the LoRA update, or Custom Diffusion's detached start token.</summary>
internal interface IProjectionAdapter
{
    /// <summary>Computes the projection of <paramref name="x"/>.</summary>
    /// <param name="projection">The projection whose slot holds this adapter (its weight and bias).</param>
    /// <param name="x">Input <c>[..., in]</c>.</param>
    /// <returns>Output <c>[..., out]</c>.</returns>
    Tensor Forward(Projection projection, Tensor x);
}
