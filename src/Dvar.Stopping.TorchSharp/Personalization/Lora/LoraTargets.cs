using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>The UNet layers LoRA adapts: the attention projections and, optionally, the feed-forward GEGLU projections.</summary>
/// <remarks>
/// Attention: <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> of every <c>attn1</c> and <c>attn2</c> (diffusers' DreamBooth-LoRA
/// example; SD v1.5: 128 layers). Feed-forward: <c>ff.net.0.proj</c> of every transformer block (the authors' variant; SD v1.5: 16
/// more layers). Order: module registration order, attention projections before the feed-forward ones.
/// </remarks>
internal static class LoraTargets
{
    private static readonly (AttentionProjection Projection, string Name)[] Projections =
    [
        (AttentionProjection.Query, "to_q"),
        (AttentionProjection.Key, "to_k"),
        (AttentionProjection.Value, "to_v"),
        (AttentionProjection.Output, "to_out.0"),
    ];

    /// <summary>Lists the target layers of a UNet.</summary>
    /// <param name="unet">The UNet.</param>
    /// <param name="includeFeedForward">Whether to include the GEGLU projections.</param>
    /// <returns>The targets.</returns>
    public static IReadOnlyList<LoraTarget> Find(UNet2DConditionModel unet, bool includeFeedForward)
    {
        var targets = new List<LoraTarget>();
        foreach (var (path, attention) in unet.NamedAttentions())
        {
            foreach (var (projection, name) in Projections)
            {
                targets.Add(new LoraTarget($"{path}.{name}", attention.GetProjection(projection)));
            }
        }

        if (includeFeedForward)
        {
            foreach (var (path, module) in unet.named_modules())
            {
                if (module is Geglu geglu)
                {
                    targets.Add(new LoraTarget($"{path}.proj", geglu.Projection));
                }
            }
        }

        return targets;
    }
}
