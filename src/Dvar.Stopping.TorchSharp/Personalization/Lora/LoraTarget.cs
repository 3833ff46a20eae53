using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>An adaptable linear projection of the UNet, by diffusers module path.</summary>
/// <param name="Path">The module path, e.g. <c>down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q</c> or <c>....ff.net.0.proj</c>.</param>
/// <param name="Projection">The projection, whose slot takes the LoRA.</param>
internal sealed record LoraTarget(string Path, Projection Projection);
