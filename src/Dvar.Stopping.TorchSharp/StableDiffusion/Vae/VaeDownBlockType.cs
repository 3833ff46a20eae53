using System.Text.Json.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The encoder block types of an <see cref="AutoencoderKL"/>, named as in diffusers' <c>down_block_types</c>.</summary>
[JsonConverter(typeof(DiffusersNameJsonConverter<VaeDownBlockType>))]
public enum VaeDownBlockType
{
    /// <summary><c>DownEncoderBlock2D</c>: resnets, then (except in the last block) a stride-2 downsampler.</summary>
    DownEncoderBlock2D = 0,
}
