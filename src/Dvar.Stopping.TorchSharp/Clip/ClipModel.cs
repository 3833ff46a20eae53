using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>CLIP with Hugging Face transformers' <c>CLIPModel</c> math and state-dict keys: a vision tower, a text tower and their projections into one embedding space.</summary>
/// <remarks>
/// <para>Keys: <c>logit_scale</c> (a scalar, stored as a log); <c>text_model.*</c> as <see cref="ClipTextModel"/>;
/// <c>vision_model.embeddings.{class_embedding, patch_embedding.weight, position_embedding.weight}</c>,
/// <c>vision_model.pre_layrnorm.*</c> (transformers' spelling), <c>vision_model.encoder.layers.{i}.*</c> (the same pre-LN layers
/// as the text tower, without the causal mask), <c>vision_model.post_layernorm.*</c>; <c>visual_projection.weight</c> and
/// <c>text_projection.weight</c> ([projection_dim, hidden], no bias). MLPs use <c>hidden_act</c> (openai's models:
/// quick_gelu, <c>x · sigmoid(1.702 x)</c>).</para>
/// <para><see cref="ImageFeatures"/> and <see cref="TextFeatures"/> are transformers' <c>get_image_features</c> and
/// <c>get_text_features</c>: NOT normalised. CLIP similarity metrics are plain cosines of these features (not
/// <c>exp(logit_scale)</c> times it).</para>
/// <para>The text is pooled at the first end-of-text token, id <see cref="EndOfTextTokenId"/>, never at <c>argmax(input_ids)</c>:
/// the two agree for plain tokenizer output, but not once added tokens (ids ≥ 49408) appear in a prompt.</para>
/// </remarks>
public sealed class ClipModel : nn.Module
{
    /// <summary>The id of CLIP's <c>&lt;|endoftext|&gt;</c> token, where the text tower is pooled.</summary>
    public const int EndOfTextTokenId = 49407;

    /// <summary>
    /// Stored keys transformers wrote for its non-persistent <c>position_ids</c> buffers (int64; transformers &lt; 4.31, and the
    /// published ViT-L/14 <c>model.safetensors</c>): accepted and ignored, since positions are always <c>0..L-1</c>.
    /// </summary>
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.Ordinal)
    {
        "text_model.embeddings.position_ids",
        "vision_model.embeddings.position_ids",
    };

    private readonly Parameter logit_scale;
    private readonly ClipTextTransformer text_model;
    private readonly ClipVisionTransformer vision_model;
    private readonly Linear visual_projection;
    private readonly Linear text_projection;

    /// <summary>Builds an untrained model (parameters are not initialised meaningfully: load weights before use).</summary>
    /// <param name="config">The configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the key.</exception>
    public ClipModel(ClipModelConfig config)
        : base(nameof(ClipModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        logit_scale = new Parameter(tensor((float)config.LogitScaleInitValue));
        text_model = new ClipTextTransformer(config.TextConfig);
        vision_model = new ClipVisionTransformer(config.VisionConfig);
        visual_projection = nn.Linear(config.VisionConfig.HiddenSize, config.ProjectionDim, hasBias: false);
        text_projection = nn.Linear(config.TextConfig.HiddenSize, config.ProjectionDim, hasBias: false);
        RegisterComponents();
    }

    /// <summary>Gets the configuration.</summary>
    public ClipModelConfig Config { get; }

    /// <summary>Gets <c>exp(logit_scale)</c>, the temperature of CLIP's contrastive logits (100 for openai's trained models).</summary>
    /// <remarks>Informational: CLIP similarity metrics are plain cosines, without this factor.</remarks>
    public double LogitScaleExp
    {
        get
        {
            using var noGrad = no_grad();
            using var value = logit_scale.to_type(ScalarType.Float64).exp();
            return value.item<double>();
        }
    }

    /// <summary>Gets the vision tower (for tests of its intermediates).</summary>
    internal ClipVisionTransformer VisionModel => vision_model;

    /// <summary>Loads a transformers CLIP folder: <c>config.json</c> and <c>model[.variant].safetensors</c> (or its sharded index).</summary>
    /// <param name="folder">The model folder, e.g. a download of <c>openai/clip-vit-large-patch14</c>.</param>
    /// <param name="device">The device of the parameters; null for the CPU.</param>
    /// <param name="dtype">The dtype of the parameters (float32, float64, float16 or bfloat16; stored values of any float dtype are converted). Default float32.</param>
    /// <param name="variant">The weights variant (e.g. <c>fp16</c> for <c>model.fp16.safetensors</c>); null for the plain file.</param>
    /// <returns>The model in evaluation mode; the caller owns it.</returns>
    /// <remarks>
    /// Loading is strict: every parameter must be stored with its exact shape and nothing else may be (the int64
    /// <c>*.embeddings.position_ids</c> of older files excepted); a mismatch fails before any value is copied, naming the
    /// missing, unexpected and wrongly shaped tensors. openai/clip-vit-base-patch32 has no <c>model.safetensors</c> on its main
    /// branch: its <c>pytorch_model.bin</c> is read by the allow-listed <see cref="Serialization.TorchCheckpointReader"/>,
    /// which rebuilds tensors only and refuses any other pickled object.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or <paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or the weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">The config is malformed or invalid, a weights file is damaged, or the weights do not match the config; the message names the file and the keys.</exception>
    public static ClipModel FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? variant = null) =>
        PretrainedLoader.Load<ClipModel, ClipModelConfig>(
            folder,
            device,
            dtype,
            variant,

            // The one place the weights file is chosen: model[.variant].safetensors (or its index, or pytorch_model.bin), as for
            // the SD text encoder.
            PretrainedLoader.TransformersWeightsName,
            config => config.Validate(),
            config => new ClipModel(config),
            new WeightsLoadOptions { IgnoredKeys = IgnoredKeys });

    /// <summary>Computes image features, transformers' <c>get_image_features</c>: <c>visual_projection(pooler_output)</c>.</summary>
    /// <param name="pixelValues">[B, num_channels, image_size, image_size] preprocessed pixels (see <see cref="ClipImageProcessor"/>), any floating dtype (converted to the weights'), on the model's device.</param>
    /// <returns>[B, projection_dim], NOT normalised, in the weights' dtype; the caller owns it.</returns>
    /// <exception cref="ArgumentException">The pixels have the wrong shape, dtype or device.</exception>
    public Tensor ImageFeatures(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var pixel_values = CheckPixels(pixelValues);
        var (_, pooler_output) = vision_model.Forward(pixel_values, null);
        return visual_projection.forward(pooler_output).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the vision tower, transformers' <c>CLIPVisionTransformer.forward</c>.</summary>
    /// <param name="pixelValues">Pixels as for <see cref="ImageFeatures"/>.</param>
    /// <param name="outputHiddenStates">Whether to return transformers' <c>hidden_states</c> as well.</param>
    /// <returns>The outputs, owned by the caller.</returns>
    /// <exception cref="ArgumentException">The pixels have the wrong shape, dtype or device.</exception>
    public ClipVisionModelOutput EncodeImage(Tensor pixelValues, bool outputHiddenStates = false)
    {
        using var scope = NewDisposeScope();
        var pixel_values = CheckPixels(pixelValues);
        var hidden_states = outputHiddenStates ? new List<Tensor>() : null;
        var (last_hidden_state, pooler_output) = vision_model.Forward(pixel_values, hidden_states);
        hidden_states?.ForEach(t => t.MoveToOuterDisposeScope());
        return new ClipVisionModelOutput(last_hidden_state.MoveToOuterDisposeScope(), pooler_output.MoveToOuterDisposeScope(), hidden_states ?? []);
    }

    /// <summary>Computes text features, transformers' <c>get_text_features</c>: <c>text_projection(pooler_output)</c>, pooled at the first <see cref="EndOfTextTokenId"/>.</summary>
    /// <param name="inputIds">
    /// [B, L] int64 (or int32) token ids from <see cref="ClipTokenizer"/>, 1 ≤ L ≤ <c>max_position_embeddings</c>, each in
    /// [0, vocab_size) and each row holding an end-of-text token, on the model's device. Padding after it does not change
    /// the features (attention is causal); no attention mask is used.
    /// </param>
    /// <returns>[B, projection_dim], NOT normalised, in the weights' dtype; the caller owns it.</returns>
    /// <exception cref="ArgumentException">The ids have the wrong rank, dtype, length or device, an id is out of range, or a row has no end-of-text token.</exception>
    public Tensor TextFeatures(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        using var output = EncodeText(inputIds);
        return text_projection.forward(output.PoolerOutput).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the text tower, transformers' <c>CLIPTextTransformer.forward</c> without attention mask, pooled at the first <see cref="EndOfTextTokenId"/>.</summary>
    /// <param name="inputIds">Ids as for <see cref="TextFeatures"/>.</param>
    /// <param name="outputHiddenStates">Whether to return transformers' <c>hidden_states</c> as well.</param>
    /// <returns>The outputs, owned by the caller.</returns>
    /// <exception cref="ArgumentException">The ids are invalid (see <see cref="TextFeatures"/>).</exception>
    public ClipTextModelOutput EncodeText(Tensor inputIds, bool outputHiddenStates = false)
    {
        using var scope = NewDisposeScope();
        var pooled_positions = CheckIds(inputIds);
        var inputs_embeds = text_model.Embeddings.EmbedTokens(inputIds);
        var hidden_states = outputHiddenStates ? new List<Tensor>() : null;
        var last_hidden_state = text_model.Forward(inputs_embeds, hidden_states);
        long batch = last_hidden_state.shape[0];
        long width = last_hidden_state.shape[2];
        var pooler_output = last_hidden_state.gather(1, pooled_positions.view(batch, 1, 1).expand(batch, 1, width)).squeeze(1);
        hidden_states?.ForEach(t => t.MoveToOuterDisposeScope());
        return new ClipTextModelOutput(last_hidden_state.MoveToOuterDisposeScope(), pooler_output.MoveToOuterDisposeScope(), hidden_states ?? []);
    }

    /// <summary>Checks pixel values and converts them to the weights' dtype (inside the caller's dispose scope).</summary>
    private Tensor CheckPixels(Tensor pixelValues)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        var vision = Config.VisionConfig;
        if (pixelValues.dim() != 4 || pixelValues.shape[1] != vision.NumChannels || pixelValues.shape[2] != vision.ImageSize || pixelValues.shape[3] != vision.ImageSize)
        {
            throw new ArgumentException(
                $"pixelValues must be [B, {vision.NumChannels}, {vision.ImageSize}, {vision.ImageSize}]; got [{string.Join(", ", pixelValues.shape)}].", nameof(pixelValues));
        }

        if (!pixelValues.is_floating_point())
        {
            throw new ArgumentException($"pixelValues must be floating-point; got {pixelValues.dtype}.", nameof(pixelValues));
        }

        var weight = visual_projection.weight!;
        CheckDevice(pixelValues, weight, nameof(pixelValues));
        return pixelValues.to_type(weight.dtype);
    }

    /// <summary>Checks token ids and returns each row's pooled position [B] (inside the caller's dispose scope).</summary>
    private Tensor CheckIds(Tensor inputIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
        {
            throw new ArgumentException($"inputIds must be [B, L]; got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        }

        if (inputIds.dtype is not (ScalarType.Int64 or ScalarType.Int32))
        {
            throw new ArgumentException($"inputIds must be int64 or int32; got {inputIds.dtype}.", nameof(inputIds));
        }

        var text = Config.TextConfig;
        long length = inputIds.shape[1];
        if (length < 1 || length > text.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"inputIds has sequence length {length}; it must be between 1 and max_position_embeddings ({text.MaxPositionEmbeddings}).", nameof(inputIds));
        }

        CheckDevice(inputIds, text_projection.weight!, nameof(inputIds));
        if (inputIds.numel() == 0)
        {
            return zeros(0, ScalarType.Int64, inputIds.device);
        }

        long min = inputIds.min().ToInt64();
        long max = inputIds.max().ToInt64();
        if (min < 0 || max >= text.VocabSize)
        {
            throw new ArgumentException($"inputIds must lie in [0, {text.VocabSize}) (vocab_size); got ids from {min} to {max}.", nameof(inputIds));
        }

        using var eos = EndOfTextTokenId.ToScalar();
        var is_eos = inputIds.eq(eos);
        var has_eos = is_eos.any(1);
        if (!has_eos.all().item<bool>())
        {
            long row = has_eos.logical_not().to_type(ScalarType.Int32).argmax().item<long>();
            throw new ArgumentException(
                $"inputIds row {row} has no end-of-text token ({EndOfTextTokenId}), where CLIP pools the text; encode prompts with {nameof(ClipTokenizer)}.", nameof(inputIds));
        }

        // argmax returns the first maximum: the first end-of-text position of each row.
        return is_eos.to_type(ScalarType.Int32).argmax(1);
    }

    private static void CheckDevice(Tensor input, Tensor weight, string name)
    {
        if (input.device_type != weight.device_type || input.device_index != weight.device_index)
        {
            throw new ArgumentException($"{name} is on {input.device} but the model is on {weight.device}.", name);
        }
    }
}
