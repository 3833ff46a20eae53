using System.Text.Json.Serialization;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>The mid block types of a <see cref="UNet2DConditionModel"/>, named as in diffusers' <c>mid_block_type</c>.</summary>
[JsonConverter(typeof(DiffusersNameJsonConverter<UNetMidBlockType>))]
public enum UNetMidBlockType
{
    /// <summary><c>UNetMidBlock2DCrossAttn</c>: a resnet, then (transformer, resnet) pairs.</summary>
    UNetMidBlock2DCrossAttn = 0,
}
