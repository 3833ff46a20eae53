using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using Dvar.Stopping.TorchSharp.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The CLIP text encoder of Stable Diffusion, with Hugging Face transformers' <c>CLIPTextModel</c> math and state-dict keys.</summary>
/// <remarks>
/// <para>
/// Keys: <c>text_model.embeddings.{token,position}_embedding.weight</c>,
/// <c>text_model.encoder.layers.{i}.{self_attn.{q,k,v,out}_proj, layer_norm1, mlp.fc1, mlp.fc2, layer_norm2}.*</c>,
/// <c>text_model.final_layer_norm.*</c>. Pre-LayerNorm layers, causal self-attention (position i attends to j ≤ i; padding is
/// not masked, as SD v1.5 calls it without an attention mask), attention scale <c>head_dim^-0.5</c>.
/// </para>
/// <para>
/// Position ids are always <c>0..L-1</c> and are not part of the state dict; the <c>text_model.embeddings.position_ids</c> tensor
/// that published files contain is accepted and ignored by <see cref="FromPretrained"/>.
/// </para>
/// </remarks>
public sealed partial class ClipTextModel : nn.Module<Tensor, Tensor>
{
    /// <summary>The stored key transformers writes for its position-id buffer; present in published files and ignored.</summary>
    private const string PositionIdsKey = "text_model.embeddings.position_ids";

    private readonly ClipTextTransformer text_model;

    /// <summary>Builds an untrained model (parameters are not initialised meaningfully: load weights before use).</summary>
    /// <param name="config">The configuration.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentException">The configuration is invalid; the message names the key.</exception>
    public ClipTextModel(ClipTextConfig config)
        : base(nameof(ClipTextModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        text_model = new ClipTextTransformer(config);
        RegisterComponents();
    }

    /// <summary>The configuration; <see cref="ClipTextConfig.VocabSize"/> follows <see cref="ResizeTokenEmbeddings"/>.</summary>
    public ClipTextConfig Config { get; private set; }

    /// <summary>The token embedding table, <c>text_model.embeddings.token_embedding</c> ([vocab, hidden]).</summary>
    /// <remarks>Textual Inversion trains rows of its <c>weight</c>. The module stays the same object across resizes; its weight does not.</remarks>
    public Embedding TokenEmbedding => text_model.Embeddings.TokenEmbedding;

    /// <summary>Loads a transformers <c>text_encoder</c> folder: <c>config.json</c> and <c>model[.variant].safetensors</c> (or its sharded index).</summary>
    /// <param name="folder">The component folder, e.g. <c>stable-diffusion-v1-5/text_encoder</c>.</param>
    /// <param name="device">The device of the parameters; null for the CPU.</param>
    /// <param name="dtype">The dtype of the parameters. Default float32.</param>
    /// <param name="variant">The weights variant (e.g. <c>fp16</c> for <c>model.fp16.safetensors</c>); null for the plain file.</param>
    /// <returns>The model in evaluation mode.</returns>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">The config is invalid, or the weights do not match it; the message names the file and the keys.</exception>
    public static ClipTextModel FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? variant = null) =>
        PretrainedLoader.Load<ClipTextModel, ClipTextConfig>(
            folder,
            device,
            dtype,
            variant,
            PretrainedLoader.TransformersWeightsName,
            config => config.Validate(),
            config => new ClipTextModel(config),

            // transformers saved its non-persistent position_ids buffer in older files (SD v1.5's included).
            new WeightsLoadOptions { IgnoredKeys = new HashSet<string>(StringComparer.Ordinal) { PositionIdsKey } });

    /// <summary>Encodes token ids to the last hidden state (transformers' <c>last_hidden_state</c>, SD's conditioning).</summary>
    /// <param name="inputIds">[B, L] int64 (or int32) token ids, 1 ≤ L ≤ <c>max_position_embeddings</c>, each in [0, vocab), on the model's device.</param>
    /// <returns>[B, L, hidden].</returns>
    /// <exception cref="ArgumentException">The ids have the wrong rank, dtype, length, device or an id out of range.</exception>
    public override Tensor forward(Tensor inputIds)
    {
        using var scope = NewDisposeScope();
        var inputs_embeds = EmbedTokens(inputIds);
        return text_model.Forward(inputs_embeds, null).MoveToOuterDisposeScope();
    }

    /// <summary>Encodes token ids to the last hidden state, the pooled output and optionally every hidden state.</summary>
    /// <param name="inputIds">[B, L] int64 (or int32) token ids, as for <see cref="forward"/>.</param>
    /// <param name="outputHiddenStates">Whether to return transformers' <c>hidden_states</c> as well.</param>
    /// <returns>The outputs, owned by the caller.</returns>
    /// <remarks>
    /// The pooled position follows transformers: when <see cref="ClipTextConfig.EosTokenId"/> is 2 (the legacy value of SD v1.5's
    /// config) it is <c>argmax(input_ids)</c>, i.e. the end-of-text token 49407 unless added tokens (ids ≥ 49408) are present;
    /// otherwise it is the first position holding <c>eos_token_id</c>, or position 0 when a sequence has none. SD v1.5 does not use
    /// the pooled output.
    /// </remarks>
    /// <exception cref="ArgumentException">The ids are invalid (see <see cref="forward"/>).</exception>
    public ClipTextModelOutput Encode(Tensor inputIds, bool outputHiddenStates = false)
    {
        using var scope = NewDisposeScope();
        var inputs_embeds = EmbedTokens(inputIds);
        var hidden_states = outputHiddenStates ? new List<Tensor>() : null;
        var last_hidden_state = text_model.Forward(inputs_embeds, hidden_states);
        var pooled_positions = Config.UsesLegacyArgmaxPooling
            ? inputIds.argmax(-1)
            : HeldScalar.WithInteger(Config.EosTokenId, inputIds.eq).to_type(ScalarType.Int32).argmax(-1);
        long batch = last_hidden_state.shape[0];
        long width = last_hidden_state.shape[2];
        var pooler_output = last_hidden_state.gather(1, pooled_positions.view(batch, 1, 1).expand(batch, 1, width)).squeeze(1);
        hidden_states?.ForEach(t => t.MoveToOuterDisposeScope());
        return new ClipTextModelOutput(
            last_hidden_state.MoveToOuterDisposeScope(),
            pooler_output.MoveToOuterDisposeScope(),
            hidden_states ?? []);
    }

    /// <summary>Encodes token embeddings (e.g. rows of <see cref="TokenEmbedding"/> edited by the caller) to the last hidden state.</summary>
    /// <param name="inputsEmbeds">[B, L, hidden] token embeddings without position embeddings (those are added here), on the model's device.</param>
    /// <returns>[B, L, hidden], as <see cref="forward"/> returns for ids whose embeddings these are.</returns>
    /// <exception cref="ArgumentException">The tensor has the wrong rank, width, length or device.</exception>
    public Tensor ForwardFromTokenEmbeddings(Tensor inputsEmbeds)
    {
        ArgumentNullException.ThrowIfNull(inputsEmbeds);
        if (inputsEmbeds.dim() != 3 || inputsEmbeds.shape[2] != Config.HiddenSize)
        {
            throw new ArgumentException(
                $"inputsEmbeds must be [B, L, {Config.HiddenSize}]; got [{string.Join(", ", inputsEmbeds.shape)}].", nameof(inputsEmbeds));
        }

        CheckLengthAndDevice(inputsEmbeds, nameof(inputsEmbeds));
        return text_model.Forward(inputsEmbeds, null);
    }

    /// <summary>Grows the token embedding table to <paramref name="newVocabSize"/> rows, keeping the existing rows (as transformers' <c>resize_token_embeddings</c>).</summary>
    /// <param name="newVocabSize">The new vocabulary size; at least the current one (equal is a no-op when <paramref name="newRows"/> has no rows).</param>
    /// <param name="newRows">
    /// [newVocabSize - current, hidden] values of the added rows (e.g. copies of an initializer token's row), any dtype or device;
    /// converted to the table's.
    /// </param>
    /// <remarks>The weight keeps its <c>requires_grad</c>. It is a new tensor: re-create optimizers that held the old one.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newVocabSize"/> is below the current size.</exception>
    /// <exception cref="ArgumentException"><paramref name="newRows"/> does not have the shape [newVocabSize - current, hidden].</exception>
    /// <exception cref="InvalidOperationException">Trainable token rows were added (<see cref="AddTrainableTokenRows"/>): their ids follow the table.</exception>
    public void ResizeTokenEmbeddings(int newVocabSize, Tensor newRows)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        ThrowIfTrainableRows();
        int current = Config.VocabSize;
        if (newVocabSize < current)
        {
            throw new ArgumentOutOfRangeException(nameof(newVocabSize), newVocabSize, $"The vocabulary can only grow; it has {current} rows.");
        }

        long added = newVocabSize - current;
        if (newRows.dim() != 2 || newRows.shape[0] != added || newRows.shape[1] != Config.HiddenSize)
        {
            throw new ArgumentException(
                $"newRows must be [{added}, {Config.HiddenSize}] (newVocabSize {newVocabSize} - current {current}, hidden); got [{string.Join(", ", newRows.shape)}].",
                nameof(newRows));
        }

        if (added > 0)
        {
            text_model.Embeddings.AppendTokenRows(newRows);
            Config = Config with { VocabSize = newVocabSize };
        }
    }

    /// <summary>Validates ids and looks up their token embeddings.</summary>
    private Tensor EmbedTokens(Tensor inputIds)
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

        CheckLengthAndDevice(inputIds, nameof(inputIds));
        if (inputIds.numel() > 0)
        {
            using var lowest = inputIds.min();
            using var highest = inputIds.max();
            long min = lowest.ToInt64();
            long max = highest.ToInt64();
            if (min < 0 || max >= VocabularySize)
            {
                throw new ArgumentException(
                    $"inputIds must lie in [0, {VocabularySize}) (the vocabulary size); got ids from {min} to {max}.", nameof(inputIds));
            }
        }

        return text_model.Embeddings.EmbedTokens(inputIds);
    }

    private void CheckLengthAndDevice(Tensor input, string name)
    {
        long length = input.shape[1];
        if (length < 1 || length > Config.MaxPositionEmbeddings)
        {
            throw new ArgumentException(
                $"{name} has sequence length {length}; it must be between 1 and max_position_embeddings ({Config.MaxPositionEmbeddings}).", name);
        }

        // A registered parameter, not disposed here (a module's weight getter may return the module's own tensor).
        var weight = TokenEmbedding.parameters().First();
        if (input.device_type != weight.device_type || input.device_index != weight.device_index)
        {
            throw new ArgumentException($"{name} is on {input.device} but the model is on {weight.device}.", name);
        }
    }
}
