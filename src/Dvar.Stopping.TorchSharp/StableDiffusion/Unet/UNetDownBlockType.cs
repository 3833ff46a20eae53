using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The down block types of a <see cref="UNet2DConditionModel"/>, named as in diffusers' <c>down_block_types</c>.</summary>
[JsonConverter(typeof(DiffusersNameJsonConverter<UNetDownBlockType>))]
public enum UNetDownBlockType
{
    /// <summary><c>CrossAttnDownBlock2D</c>: resnets, each followed by a cross-attention transformer, then a downsampler.</summary>
    CrossAttnDownBlock2D = 0,

    /// <summary><c>DownBlock2D</c>: resnets, then a downsampler.</summary>
    DownBlock2D = 1,
}
