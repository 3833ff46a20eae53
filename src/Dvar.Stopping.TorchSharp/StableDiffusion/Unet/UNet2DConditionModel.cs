using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Unet;

/// <summary>
/// The Stable Diffusion denoiser: diffusers' <c>UNet2DConditionModel</c>, predicting the noise in latents at a timestep,
/// conditioned on text encoder states. State-dict keys and module paths are diffusers' (<c>conv_in</c>, <c>time_embedding</c>,
/// <c>down_blocks.{i}</c>, <c>up_blocks.{i}</c>, <c>mid_block</c>, <c>conv_norm_out</c>, <c>conv_out</c>; e.g.
/// <c>down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight</c>), so diffusers weight files load unchanged.
/// </summary>
/// <remarks>
/// <para>
/// <c>forward</c>: sinusoidal timestep embedding and its MLP; <c>conv_in</c>; the down blocks, collecting skip connections; the
/// mid block; the up blocks, each consuming its skip connections last-in-first-out; GroupNorm, SiLU and <c>conv_out</c>.
/// </para>
/// <para>
/// A model built by the constructor has untrained parameters (TorchSharp's default initialisation; norms at weight 1, bias 0):
/// load weights before using it, e.g. with <see cref="FromPretrained"/>. <c>named_modules()</c> yields diffusers' module paths; LoRA
/// and Custom Diffusion find the attention projections there (<c>...transformer_blocks.{k}.attn1.to_q</c>, <c>attn2.to_k</c>, ...).
/// </para>
/// </remarks>
public sealed partial class UNet2DConditionModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly Timesteps time_proj;
    private readonly TimestepEmbedding time_embedding;
    private readonly ModuleList<UNetDownBlock> down_blocks;
    private readonly ModuleList<UNetUpBlock> up_blocks;
    private readonly UNetMidBlock2DCrossAttn mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly SiLU conv_act;
    private readonly Conv2d conv_out;

    /// <summary>Builds the model from a config, with untrained parameters (about 3.4 GB of float32 for SD1.5).</summary>
    /// <param name="config">The config; validated first.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The config is invalid or unsupported (see <see cref="UNet2DConditionModelConfig.Validate"/>).</exception>
    public UNet2DConditionModel(UNet2DConditionModelConfig config)
        : base(nameof(UNet2DConditionModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        var block_out_channels = config.BlockOutChannels;
        int blocks = config.DownBlockTypes.Count;
        DownsamplingFactor = 1 << (blocks - 1);

        conv_in = nn.Conv2d(config.InChannels, block_out_channels[0], kernel_size: config.ConvInKernel, padding: (config.ConvInKernel - 1) / 2);

        time_proj = new Timesteps(block_out_channels[0], config.FlipSinToCos, config.FreqShift);
        time_embedding = new TimestepEmbedding(block_out_channels[0], config.TimeEmbedDim);

        down_blocks = new ModuleList<UNetDownBlock>();
        up_blocks = new ModuleList<UNetUpBlock>();

        // down
        int output_channel = block_out_channels[0];
        for (int i = 0; i < blocks; i++)
        {
            int input_channel = output_channel;
            output_channel = block_out_channels[i];
            bool is_final_block = i == blocks - 1;
            down_blocks.Add(UNetBlockFactory.Down(
                config.DownBlockTypes[i], input_channel, output_channel, UNet2DConditionModelConfig.PerBlock(config.LayersPerBlock, i), !is_final_block, BlockSettings(i)));
        }

        // mid
        mid_block = new UNetMidBlock2DCrossAttn(block_out_channels[^1], BlockSettings(blocks - 1), config.MidBlockScaleFactor);

        // up: block i mirrors down block (blocks - 1 - i)
        output_channel = block_out_channels[^1];
        for (int i = 0; i < blocks; i++)
        {
            bool is_final_block = i == blocks - 1;
            int mirrored = blocks - 1 - i;
            int prev_output_channel = output_channel;
            output_channel = block_out_channels[mirrored];
            int input_channel = block_out_channels[Math.Max(mirrored - 1, 0)];
            up_blocks.Add(UNetBlockFactory.Up(
                config.UpBlockTypes[i], input_channel, prev_output_channel, output_channel, UNet2DConditionModelConfig.PerBlock(config.LayersPerBlock, mirrored) + 1, !is_final_block, BlockSettings(mirrored)));
        }

        // out
        conv_norm_out = GroupNorms.Create(config.NormNumGroups, block_out_channels[0], config.NormEps);
        conv_act = nn.SiLU();
        conv_out = nn.Conv2d(block_out_channels[0], config.OutChannels, kernel_size: config.ConvOutKernel, padding: (config.ConvOutKernel - 1) / 2);

        RegisterComponents();
    }

    /// <summary>The config the model was built from.</summary>
    public UNet2DConditionModelConfig Config { get; }

    /// <summary>The factor the model downsamples by, <c>2^(down blocks - 1)</c>: latent heights and widths must be multiples of it.</summary>
    /// <value>8 for SD1.5 (64x64 latents for 512x512 images).</value>
    public int DownsamplingFactor { get; }

    /// <summary>Predicts the noise in <paramref name="sample"/>.</summary>
    /// <param name="sample">Noisy latents <c>[B, in_channels, H, W]</c>, H and W multiples of <see cref="DownsamplingFactor"/>, in the model's dtype and device.</param>
    /// <param name="timesteps">The timestep of each row: <c>[B]</c>, or a scalar / <c>[1]</c> for all rows; integer or floating (fractional timesteps allowed).</param>
    /// <param name="encoderHiddenStates">Text encoder states <c>[B, L, cross_attention_dim]</c> (SD1.5: <c>[B, 77, 768]</c>), in the model's dtype.</param>
    /// <returns>The predicted noise <c>[B, out_channels, H, W]</c>; the caller owns it.</returns>
    /// <exception cref="ArgumentException">An input has the wrong rank, shape, dtype or device; the message names it and its shape.</exception>
    public override Tensor forward(Tensor sample, Tensor timesteps, Tensor encoderHiddenStates)
    {
        UNet2DConditionInputs.Check(this, sample, timesteps, encoderHiddenStates, conv_in.weight!);
        using var scope = NewDisposeScope();
        var encoder_hidden_states = encoderHiddenStates;

        // 0. center input if necessary
        if (Config.CenterInputSample)
        {
            sample = sample.Times(2).Minus(1.0);
        }

        // 1. time
        var t_emb = GetTimeEmbed(sample, timesteps);
        var emb = time_embedding.call(t_emb);

        // 2. pre-process
        sample = conv_in.call(sample);

        // 3. down
        var down_block_res_samples = new List<Tensor> { sample };
        foreach (var downsample_block in down_blocks)
        {
            (sample, var res_samples) = downsample_block.call(sample, emb, encoder_hidden_states);
            down_block_res_samples.AddRange(res_samples);
        }

        // 4. mid
        sample = mid_block.call(sample, emb, encoder_hidden_states);

        // 5. up
        foreach (var upsample_block in up_blocks)
        {
            int count = upsample_block.ResnetCount;
            var res_samples = down_block_res_samples.GetRange(down_block_res_samples.Count - count, count).ToArray();
            down_block_res_samples.RemoveRange(down_block_res_samples.Count - count, count);

            sample = upsample_block.call(sample, res_samples, emb, encoder_hidden_states);
        }

        // 6. post-process
        sample = conv_norm_out.call(sample);
        sample = conv_act.call(sample);
        sample = conv_out.call(sample);

        return sample.MoveToOuterDisposeScope();
    }

    /// <summary>The attention modules with their diffusers module paths (e.g. <c>down_blocks.0.attentions.0.transformer_blocks.0.attn1</c>), in registration order.</summary>
    /// <returns>Every <see cref="Attention"/> of the model: for SD1.5, 16 <c>attn1</c> (self) and 16 <c>attn2</c> (cross).</returns>
    internal IEnumerable<(string Path, Attention Attention)> NamedAttentions() =>
        named_modules().Where(m => m.module is Attention).Select(m => (m.name, (Attention)m.module));

    private UNetBlockSettings BlockSettings(int block) => new()
    {
        TembChannels = Config.TimeEmbedDim,
        ResnetEps = Config.NormEps,
        ResnetGroups = Config.NormNumGroups,
        Dropout = Config.Dropout,
        CrossAttentionDim = UNet2DConditionModelConfig.PerBlock(Config.CrossAttentionDim, block),
        NumAttentionHeads = UNet2DConditionModelConfig.PerBlock(Config.AttentionHeadDim, block),
        TransformerLayersPerBlock = UNet2DConditionModelConfig.PerBlock(Config.TransformerLayersPerBlock, block),
        UseLinearProjection = Config.UseLinearProjection,
        DownsamplePadding = Config.DownsamplePadding,
    };

    private Tensor GetTimeEmbed(Tensor sample, Tensor timesteps)
    {
        if (timesteps.ndim == 0)
        {
            timesteps = timesteps[TensorIndex.None];
        }

        timesteps = timesteps.to(sample.device);

        // broadcast to batch dimension
        timesteps = timesteps.expand(sample.shape[0]);

        var t_emb = time_proj.call(timesteps);

        // Timesteps always returns float32; the model may run in another dtype.
        t_emb = t_emb.to(sample.dtype);
        return t_emb;
    }
}
