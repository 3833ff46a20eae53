using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>diffusers' <c>ResnetBlock2D</c> with <c>time_embedding_norm="default"</c>, shared by the UNet and the VAE.</summary>
/// <remarks>
/// <c>out = (x + conv2(dropout(silu(norm2(conv1(silu(norm1(x))) + time_emb_proj(silu(temb)))))) / output_scale_factor</c>,
/// where <c>x</c> goes through the 1x1 <c>conv_shortcut</c> when the channel count changes. Without time embedding channels (the
/// VAE) there is no <c>time_emb_proj</c> and <c>temb</c> must be null. State-dict keys: <c>norm1</c>, <c>conv1</c>,
/// <c>time_emb_proj</c>, <c>norm2</c>, <c>conv2</c>, <c>conv_shortcut</c> (each <c>.weight</c>/<c>.bias</c>).
/// </remarks>
internal sealed class ResnetBlock2D : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly Linear? time_emb_proj;
    private readonly GroupNorm norm2;
    private readonly Dropout dropout;
    private readonly Conv2d conv2;
    private readonly SiLU nonlinearity;
    private readonly Conv2d? conv_shortcut;
    private readonly double output_scale_factor;

    /// <summary>Builds the block.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels; a 1x1 <c>conv_shortcut</c> is added when they differ from <paramref name="inChannels"/>.</param>
    /// <param name="tembChannels">Time embedding channels, or null for a block without time conditioning (the VAE).</param>
    /// <param name="groups">GroupNorm groups of both norms (diffusers' <c>groups</c>; <c>groups_out</c> is the same in SD).</param>
    /// <param name="eps">GroupNorm epsilon (UNet: <c>norm_eps</c>, 1e-5 in SD1.5; VAE: 1e-6).</param>
    /// <param name="dropoutProbability">Dropout before <c>conv2</c> (active in training mode only).</param>
    /// <param name="outputScaleFactor">The output is divided by this (the UNet mid block's <c>mid_block_scale_factor</c>).</param>
    internal ResnetBlock2D(
        long inChannels,
        long outChannels,
        long? tembChannels,
        long groups,
        double eps,
        double dropoutProbability = 0.0,
        double outputScaleFactor = 1.0)
        : base(nameof(ResnetBlock2D))
    {
        norm1 = GroupNorms.Create(groups, inChannels, eps);
        conv1 = nn.Conv2d(inChannels, outChannels, kernel_size: 3, stride: 1, padding: 1);
        time_emb_proj = tembChannels is long channels ? nn.Linear(channels, outChannels) : null;
        norm2 = GroupNorms.Create(groups, outChannels, eps);
        dropout = nn.Dropout(dropoutProbability);
        conv2 = nn.Conv2d(outChannels, outChannels, kernel_size: 3, stride: 1, padding: 1);
        nonlinearity = nn.SiLU();
        conv_shortcut = inChannels != outChannels ? nn.Conv2d(inChannels, outChannels, kernel_size: 1) : null;
        output_scale_factor = outputScaleFactor;
        RegisterComponents();
    }

    /// <summary>Runs the block.</summary>
    /// <param name="input_tensor">Feature map <c>[B, in_channels, H, W]</c>.</param>
    /// <param name="temb">Time embedding <c>[B, temb_channels]</c> (before SiLU), or null when built without time embedding channels.</param>
    /// <returns>Feature map <c>[B, out_channels, H, W]</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="temb"/> is given to a block without time conditioning, or missing for one with it.</exception>
    public override Tensor forward(Tensor input_tensor, Tensor? temb)
    {
        if ((temb is null) != (time_emb_proj is null))
        {
            throw new ArgumentException(
                time_emb_proj is null ? "This block has no time_emb_proj; temb must be null." : "This block needs a time embedding; temb is null.",
                nameof(temb));
        }

        using var scope = NewDisposeScope();
        var hidden_states = input_tensor;

        hidden_states = norm1.call(hidden_states);
        hidden_states = nonlinearity.call(hidden_states);

        hidden_states = conv1.call(hidden_states);

        if (time_emb_proj is not null)
        {
            temb = nonlinearity.call(temb!);
            temb = time_emb_proj.call(temb)[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.None, TensorIndex.None];
            hidden_states = hidden_states.Plus(temb);
        }

        hidden_states = norm2.call(hidden_states);

        hidden_states = nonlinearity.call(hidden_states);

        hidden_states = dropout.call(hidden_states);
        hidden_states = conv2.call(hidden_states);

        if (conv_shortcut is not null)
        {
            input_tensor = conv_shortcut.call(input_tensor);
        }

        var output_tensor = input_tensor.Plus(hidden_states).DividedBy(output_scale_factor);

        return output_tensor.MoveToOuterDisposeScope();
    }
}
