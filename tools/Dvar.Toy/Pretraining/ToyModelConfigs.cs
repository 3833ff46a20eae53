using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

namespace Dvar.Toy.Pretraining;

/// <summary>The architectures of the toy pipeline: Stable Diffusion's, scaled down to 32 x 32 images.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>VAE: diffusers <c>AutoencoderKL</c>, blocks (16, 32), one layer each: 32 x 32 RGB to 4 x 16 x 16 latents (factor 2;
/// at factor 4 a prototype's VAE rounded the shapes off).</item>
/// <item>Text encoder: CLIP's, hidden 64, 2 layers, 2 heads, MLP 256, 16 positions, over the toy tokenizer's vocabulary.</item>
/// <item>UNet: diffusers <c>UNet2DConditionModel</c>, blocks (32, 64, 64), one layer each; cross-attention (2 heads, context
/// 64) at 8 x 8 and 4 x 4 and in the mid block, none at 16 x 16 (it doubled the step time for no visible gain).</item>
/// <item>Scheduler: SD v1.5's (scaled-linear betas 0.00085 to 0.012 over 1000 steps, epsilon prediction).</item>
/// </list>
/// </remarks>
internal static class ToyModelConfigs
{
    /// <summary>The VAE, with the given latent scaling factor.</summary>
    /// <param name="scalingFactor">1 / std of the latent means over the training images.</param>
    /// <returns>The config.</returns>
    public static AutoencoderKLConfig Vae(double scalingFactor) => new()
    {
        InChannels = 3,
        OutChannels = 3,
        DownBlockTypes = [VaeDownBlockType.DownEncoderBlock2D, VaeDownBlockType.DownEncoderBlock2D],
        UpBlockTypes = [VaeUpBlockType.UpDecoderBlock2D, VaeUpBlockType.UpDecoderBlock2D],
        BlockOutChannels = [16, 32],
        LayersPerBlock = 1,
        LatentChannels = 4,
        NormNumGroups = 8,
        SampleSize = 32,
        ScalingFactor = scalingFactor,
    };

    /// <summary>The text encoder for a vocabulary whose last two ids are BOS and EOS.</summary>
    /// <param name="vocabularySize">The number of ids.</param>
    /// <returns>The config.</returns>
    public static ClipTextConfig TextEncoder(int vocabularySize) => new()
    {
        VocabSize = vocabularySize,
        HiddenSize = 64,
        IntermediateSize = 256,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        MaxPositionEmbeddings = ToyTokenizerWriter.ModelMaxLength,
        HiddenAct = ClipActivation.QuickGelu,
        BosTokenId = vocabularySize - 2,
        EosTokenId = vocabularySize - 1,
        PadTokenId = vocabularySize - 1,
    };

    /// <summary>Gets the UNet.</summary>
    public static UNet2DConditionModelConfig Unet { get; } = new()
    {
        SampleSize = [16],
        InChannels = 4,
        OutChannels = 4,
        DownBlockTypes = [UNetDownBlockType.DownBlock2D, UNetDownBlockType.CrossAttnDownBlock2D, UNetDownBlockType.CrossAttnDownBlock2D],
        UpBlockTypes = [UNetUpBlockType.CrossAttnUpBlock2D, UNetUpBlockType.CrossAttnUpBlock2D, UNetUpBlockType.UpBlock2D],
        BlockOutChannels = [32, 64, 64],
        LayersPerBlock = [1],
        CrossAttentionDim = [64],
        AttentionHeadDim = [2],
        NormNumGroups = 16,
    };

    /// <summary>Gets the noise schedule: SD v1.5's.</summary>
    public static DdpmSchedulerConfig Scheduler { get; } = new()
    {
        ClassName = "DDIMScheduler",
        NumTrainTimesteps = 1000,
        BetaStart = 0.00085,
        BetaEnd = 0.012,
        BetaSchedule = BetaSchedule.ScaledLinear,
        PredictionType = PredictionType.Epsilon,
        StepsOffset = 1,
        ClipSample = false,
        SetAlphaToOne = false,
    };
}
