using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The up block types of a <see cref="UNet2DConditionModel"/>, named as in diffusers' <c>up_block_types</c>.</summary>
[JsonConverter(typeof(DiffusersNameJsonConverter<UNetUpBlockType>))]
public enum UNetUpBlockType
{
    /// <summary><c>UpBlock2D</c>: resnets on the concatenated skip connections, then an upsampler.</summary>
    UpBlock2D = 0,

    /// <summary><c>CrossAttnUpBlock2D</c>: resnets on the concatenated skip connections, each followed by a cross-attention transformer, then an upsampler.</summary>
    CrossAttnUpBlock2D = 1,
}
