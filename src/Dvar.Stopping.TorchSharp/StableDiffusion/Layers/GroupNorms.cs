using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>Creates GroupNorms initialised as PyTorch initialises them.</summary>
internal static class GroupNorms
{
    /// <summary>
    /// A GroupNorm with affine weight 1 and bias 0. TorchSharp 0.107's <c>nn.GroupNorm</c> allocates them with <c>torch.empty</c>
    /// and leaves them uninitialised, so a model built but not yet loaded would otherwise hold arbitrary memory.
    /// </summary>
    /// <param name="numGroups">Number of groups.</param>
    /// <param name="numChannels">Number of channels; divisible by <paramref name="numGroups"/>.</param>
    /// <param name="eps">Epsilon added to the variance.</param>
    /// <returns>The norm.</returns>
    internal static GroupNorm Create(long numGroups, long numChannels, double eps)
    {
        var norm = nn.GroupNorm(numGroups, numChannels, eps);
        using (no_grad())
        {
            HeldScalar.With(1, norm.weight!.fill_);
            norm.bias!.zero_();
        }

        return norm;
    }
}
