using Dvar.Stopping.TorchSharp.Dino.Layers;
using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>
/// A DINO vision transformer with Hugging Face transformers' <c>ViTModel</c> math and state-dict keys (e.g. <c>facebook/dino-vits16</c>,
/// the model of the DVAR authors' <c>dino_scores.py</c>).
/// </summary>
/// <remarks>
/// <para>
/// Keys: <c>embeddings.cls_token</c> [1, 1, D], <c>embeddings.position_embeddings</c> [1, 1 + P, D],
/// <c>embeddings.patch_embeddings.projection.{weight,bias}</c> (a D x C x p x p convolution with stride p),
/// <c>encoder.layer.{i}.attention.attention.{query,key,value}.*</c>, <c>encoder.layer.{i}.attention.output.dense.*</c>,
/// <c>encoder.layer.{i}.intermediate.dense.*</c>, <c>encoder.layer.{i}.output.dense.*</c>,
/// <c>encoder.layer.{i}.layernorm_{before,after}.*</c> and <c>layernorm.*</c>. Pre-LayerNorm layers, bidirectional attention with
/// scale <c>head_dim^-0.5</c>, exact (erf) GELU, LayerNorm epsilon from the config.
/// </para>
/// <para>
/// There is no pooler: <c>facebook/dino-vits16</c>'s weights have none (transformers converted the DINO checkpoints with
/// <c>add_pooling_layer=False</c>), and the DVAR feature is the CLS token of the final LayerNorm's output, not the pooler's
/// output. <see cref="FromPretrained"/> accepts and ignores <c>pooler.dense.*</c> in files saved from a <c>ViTModel</c> that had one.
/// </para>
/// <para>
/// Position embeddings are not interpolated: the input must be <c>image_size x image_size</c>, which <see cref="DinoImageProcessor"/>
/// always yields for <c>facebook/dino-vits16</c> (its processor resizes every image to 224 x 224, the config's <c>image_size</c>).
/// </para>
/// </remarks>
public sealed class DinoVitModel : nn.Module<Tensor, Tensor>
{
    /// <summary>
    /// The weights file of a transformers model folder, without extension: <c>model.safetensors</c>, or <c>pytorch_model.bin</c>
    /// through the allow-listed <see cref="Serialization.TorchCheckpointReader"/> when there is no safetensors file
    /// (<c>facebook/dino-vits16</c>'s main branch has only the <c>.bin</c>).
    /// </summary>
    private const string WeightsName = PretrainedLoader.TransformersWeightsName;

    /// <summary>The pooler weight that transformers' <c>ViTModel</c> adds by default; present in some saved files, ignored here.</summary>
    private const string PoolerWeightKey = "pooler.dense.weight";

    /// <summary>The pooler bias; ignored like <see cref="PoolerWeightKey"/>.</summary>
    private const string PoolerBiasKey = "pooler.dense.bias";

    private readonly DinoEmbeddings embeddings;
    private readonly DinoEncoder encoder;
    private readonly LayerNorm layernorm;

    /// <summary>Builds an untrained model (parameters are not initialised meaningfully: load weights before use).</summary>
    /// <param name="config">The configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the key.</exception>
    public DinoVitModel(DinoConfig config)
        : base(nameof(DinoVitModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new DinoEmbeddings(config);
        encoder = new DinoEncoder(config);
        layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Gets the configuration.</summary>
    public DinoConfig Config { get; }

    /// <summary>Loads a transformers ViT folder: <c>config.json</c> and <c>model.safetensors</c> (or its sharded index, or
    /// <c>pytorch_model.bin</c>), strictly.</summary>
    /// <param name="folder">The model folder, e.g. a download of <c>facebook/dino-vits16</c>.</param>
    /// <param name="device">The device of the parameters; null for the CPU.</param>
    /// <param name="dtype">The dtype of the parameters. Default float32.</param>
    /// <returns>The model in evaluation mode; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The config is invalid, a file is damaged, or the weights do not match the config; the message names the file and every missing,
    /// unexpected and wrongly shaped tensor.
    /// </exception>
    public static DinoVitModel FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return PretrainedLoader.Load<DinoVitModel, DinoConfig>(
            folder,
            device,
            dtype,
            variant: null,
            WeightsName,
            config => config.Validate(),
            config => new DinoVitModel(config),
            new WeightsLoadOptions { IgnoredKeys = new HashSet<string>(StringComparer.Ordinal) { PoolerWeightKey, PoolerBiasKey } });
    }

    /// <summary>Encodes pixel values to the last hidden state (transformers' <c>last_hidden_state</c>, after the final LayerNorm).</summary>
    /// <param name="pixel_values">[B, num_channels, image_size, image_size] (e.g. from <see cref="DinoImageProcessor"/>), on the model's device; converted to the model's dtype.</param>
    /// <returns>[B, 1 + P, hidden]; position 0 is the CLS token.</returns>
    /// <exception cref="ArgumentException">The input does not have the config's channel count and image size (there is no position interpolation).</exception>
    public override Tensor forward(Tensor pixel_values)
    {
        CheckPixelValues(pixel_values);
        using var scope = NewDisposeScope();
        var weight = layernorm.weight!;
        var x = pixel_values.to_type(weight.dtype);
        x = embeddings.forward(x);
        x = encoder.forward(x);
        return layernorm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>The DINO image feature: the CLS token of the last hidden state, <c>last_hidden_state[:, 0, :]</c> (the DVAR authors' dino_scores.py, line 20).</summary>
    /// <param name="pixelValues">As for <see cref="forward"/>.</param>
    /// <returns>[B, hidden] in the model's dtype; the caller owns it.</returns>
    /// <exception cref="ArgumentException">As for <see cref="forward"/>.</exception>
    public Tensor ClsFeatures(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var hidden = forward(pixelValues);
        return hidden.select(1, 0).contiguous().MoveToOuterDisposeScope();
    }

    private void CheckPixelValues(Tensor pixelValues)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        int side = Config.ImageSize;
        if (pixelValues.dim() != 4 || pixelValues.shape[0] < 1 || pixelValues.shape[1] != Config.NumChannels
            || pixelValues.shape[2] != side || pixelValues.shape[3] != side)
        {
            throw new ArgumentException(
                $"pixel_values must be [B, {Config.NumChannels}, {side}, {side}] (image_size {side}; position embeddings are not interpolated to other sizes); got [{string.Join(", ", pixelValues.shape)}].",
                nameof(pixelValues));
        }

        var weight = layernorm.weight!;
        if (pixelValues.device_type != weight.device_type || pixelValues.device_index != weight.device_index)
        {
            throw new ArgumentException($"pixel_values is on {pixelValues.device} but the model is on {weight.device}.", nameof(pixelValues));
        }
    }
}
