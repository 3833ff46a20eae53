using System.Text.Json.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>The decoder block types of an <see cref="AutoencoderKL"/>, named as in diffusers' <c>up_block_types</c>.</summary>
[JsonConverter(typeof(DiffusersNameJsonConverter<VaeUpBlockType>))]
public enum VaeUpBlockType
{
    /// <summary><c>UpDecoderBlock2D</c>: <c>layers_per_block + 1</c> resnets, then (except in the last block) a nearest x2 upsampler.</summary>
    UpDecoderBlock2D = 0,
}
