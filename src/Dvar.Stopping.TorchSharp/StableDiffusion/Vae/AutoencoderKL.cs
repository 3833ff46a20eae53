using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Vae;

/// <summary>Stable Diffusion's variational autoencoder, with diffusers' <c>AutoencoderKL</c> math and state-dict keys.</summary>
/// <remarks>
/// <para>
/// Keys: <c>encoder.*</c>, <c>decoder.*</c>, <c>quant_conv.*</c>, <c>post_quant_conv.*</c>, with the mid-block attentions named
/// <c>group_norm</c>, <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c>. <see cref="FromPretrained"/> also reads the legacy names
/// <c>query</c>, <c>key</c>, <c>value</c>, <c>proj_attn</c> of the published SD v1.5 float32 file.
/// </para>
/// <para>
/// Images are <c>[B, in_channels, H, W]</c> in [-1, 1]; latents are <c>[B, latent_channels, H / f, W / f]</c> with
/// <c>f = </c><see cref="AutoencoderKLConfig.SpatialFactor"/>. <see cref="Encode"/> and <see cref="Decode"/> never apply
/// <see cref="ScalingFactor"/>: a pipeline multiplies sampled latents by it and divides by it before decoding.
/// </para>
/// </remarks>
public sealed class AutoencoderKL : nn.Module<Tensor, Tensor>
{
    private readonly Encoder encoder;
    private readonly Decoder decoder;
    private readonly Conv2d quant_conv;
    private readonly Conv2d post_quant_conv;

    /// <summary>Builds an untrained model (parameters are not initialised meaningfully: load weights before use).</summary>
    /// <param name="config">The configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the key.</exception>
    public AutoencoderKL(AutoencoderKLConfig config)
        : base(nameof(AutoencoderKL))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        encoder = new Encoder(config);
        decoder = new Decoder(config);
        quant_conv = nn.Conv2d(2 * config.LatentChannels, 2 * config.LatentChannels, kernel_size: 1);
        post_quant_conv = nn.Conv2d(config.LatentChannels, config.LatentChannels, kernel_size: 1);
        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public AutoencoderKLConfig Config { get; }

    /// <summary>The latent scaling factor of the config (<c>scaling_factor</c>; 0.18215 for SD v1.5).</summary>
    public double ScalingFactor => Config.ScalingFactor;

    /// <summary>Loads a diffusers <c>vae</c> folder: <c>config.json</c> and <c>diffusion_pytorch_model[.variant].safetensors</c> (or its sharded index).</summary>
    /// <param name="folder">The component folder, e.g. <c>stable-diffusion-v1-5/vae</c>.</param>
    /// <param name="device">The device of the parameters; null for the CPU.</param>
    /// <param name="dtype">The dtype of the parameters. Default float32.</param>
    /// <param name="variant">The weights variant (e.g. <c>fp16</c>); null for the plain file.</param>
    /// <returns>The model in evaluation mode.</returns>
    /// <remarks>Both attention namings are accepted (see the type's remarks), as are attention weights stored as 1x1 convolutions.</remarks>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">The config is invalid, or the weights do not match it; the message names the file and the keys.</exception>
    public static AutoencoderKL FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? variant = null) =>
        PretrainedLoader.Load<AutoencoderKL, AutoencoderKLConfig>(
            folder,
            device,
            dtype,
            variant,
            PretrainedLoader.DiffusersWeightsName,
            config => config.Validate(),
            config => new AutoencoderKL(config),
            new WeightsLoadOptions { Renames = VaeWeightNames.LegacyRenames, SingletonReshapeKeys = VaeWeightNames.AttentionProjectionWeights });

    /// <summary>Encodes images to the posterior over latents (diffusers' <c>encode(x).latent_dist</c>).</summary>
    /// <param name="image">[B, in_channels, H, W] in [-1, 1], in the model's dtype and on its device; H and W multiples of the spatial factor.</param>
    /// <returns>The posterior; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The image has the wrong rank, channels, size, dtype or device.</exception>
    public DiagonalGaussianDistribution Encode(Tensor image)
    {
        CheckInput(image, nameof(image), Config.InChannels, Config.SpatialFactor);
        Tensor moments;
        using (var scope = NewDisposeScope())
        {
            var h = encoder.call(image);
            moments = quant_conv.call(h).MoveToOuterDisposeScope();
        }

        // Built outside the scope above, so that the distribution's tensors live in the caller's scope, like any returned tensor.
        return new DiagonalGaussianDistribution(moments);
    }

    /// <summary>Decodes latents to images (diffusers' <c>decode(z).sample</c>).</summary>
    /// <param name="latents">[B, latent_channels, h, w] unscaled latents (a pipeline passes <c>latents / ScalingFactor</c>), in the model's dtype and on its device.</param>
    /// <returns>[B, out_channels, h · f, w · f], not clamped (images are roughly in [-1, 1]).</returns>
    /// <exception cref="ArgumentException">The latents have the wrong rank, channels, dtype or device.</exception>
    public Tensor Decode(Tensor latents)
    {
        CheckInput(latents, nameof(latents), Config.LatentChannels, 1);
        using var scope = NewDisposeScope();
        var z = post_quant_conv.call(latents);
        var dec = decoder.call(z);
        return dec.MoveToOuterDisposeScope();
    }

    /// <summary>Reconstructs images through the posterior mode, as diffusers' <c>forward(sample)</c> does by default.</summary>
    /// <param name="sample">Images, as for <see cref="Encode"/>.</param>
    /// <returns>The decoded mode of the posterior.</returns>
    /// <exception cref="ArgumentException">The images are invalid (see <see cref="Encode"/>).</exception>
    public override Tensor forward(Tensor sample)
    {
        using var posterior = Encode(sample);
        using var z = posterior.Mode();
        return Decode(z);
    }

    private void CheckInput(Tensor input, string name, long channels, int factor)
    {
        ArgumentNullException.ThrowIfNull(input, name);
        if (input.dim() != 4 || input.shape[1] != channels)
        {
            throw new ArgumentException($"{name} must be [B, {channels}, H, W]; got [{string.Join(", ", input.shape)}].", name);
        }

        if (input.shape[0] < 1 || input.shape[2] < factor || input.shape[3] < factor || input.shape[2] % factor != 0 || input.shape[3] % factor != 0)
        {
            throw new ArgumentException(
                $"{name} must be non-empty with height and width positive multiples of {factor}; got [{string.Join(", ", input.shape)}].", name);
        }

        // A registered parameter (never disposed here: Conv2d.weight returns the module's own tensor).
        var weight = quant_conv.parameters().First();
        if (input.dtype != weight.dtype)
        {
            throw new ArgumentException($"{name} is {input.dtype} but the model is {weight.dtype}.", name);
        }

        if (input.device_type != weight.device_type || input.device_index != weight.device_index)
        {
            throw new ArgumentException($"{name} is on {input.device} but the model is on {weight.device}.", name);
        }
    }
}
