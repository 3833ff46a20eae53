using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>A replaceable linear projection of the UNet, by diffusers module path.</summary>
/// <param name="Path">The module path, e.g. <c>down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q</c> or <c>....ff.net.0.proj</c>.</param>
/// <param name="Current">Returns the module now in that place.</param>
/// <param name="Replace">Puts another module in that place and returns the previous one (the caller owns it).</param>
internal sealed record LoraTarget(
    string Path,
    Func<nn.Module<Tensor, Tensor>> Current,
    Func<nn.Module<Tensor, Tensor>, nn.Module<Tensor, Tensor>> Replace);
