using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Lora;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using TorchSharp.Modules;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>DreamBooth with LoRA (Ruiz et al.; Hu et al.): trains low-rank updates of the UNet's projections, and optionally a new token.</summary>
/// <remarks>
/// <para>
/// <see cref="PersonalizationMethod.Attach"/> freezes the pipeline and replaces each target linear layer of the UNet (attention
/// <c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> of <c>attn1</c> and <c>attn2</c>, plus <c>ff.net.0.proj</c> when
/// <see cref="DreamBoothLoraOptions.TrainFeedForward"/>) by <c>y = W x + b + (alpha / r) · up(down(x))</c> with float32
/// <c>down</c> [r, in] ~ N(0, (1/r)²) (seeded by <see cref="DreamBoothLoraOptions.InitializationSeed"/>) and <c>up</c> [out, r] = 0,
/// so training starts from the base model exactly. The UNet's existing state-dict keys are unchanged. SD v1.5 at rank 4: 128
/// attention layers (797,184 parameters), 144 with the feed-forward projections (1,246,464).
/// </para>
/// <para>
/// Artifacts: <c>pytorch_lora_weights.safetensors</c> with diffusers' keys <c>unet.&lt;module path&gt;.lora.down.weight</c> /
/// <c>.lora.up.weight</c> and metadata <c>{"format": "pt"}</c> (alpha / r is folded into <c>up</c>, so the file applies at scale 1),
/// and <c>learned_embeds.safetensors</c> when the token trains (load it with <see cref="TextualInversion.LoadEmbeddings"/>).
/// </para>
/// </remarks>
public sealed partial class DreamBoothLora : PersonalizationMethod
{
    private IReadOnlyList<(string Path, LoraLinear Layer)> _layers = [];
    private Parameter? _tokenRows;
    private IReadOnlyList<(string Name, Parameter Parameter)> _trainable = [];

    /// <summary>Creates the method.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public DreamBoothLora(DreamBoothLoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public DreamBoothLoraOptions Options { get; }

    /// <summary>The paper's step cap for this method (its fixed-budget baseline).</summary>
    public const int DefaultMaxSteps = 1_000;

    /// <summary>The paper's batch size for this method.</summary>
    public const int DefaultBatchSize = 2;

    /// <summary>The paper's learning rate for this method (5e-4 × batch 2).</summary>
    public const double DefaultLearningRate = 5e-4 * 2;

    /// <inheritdoc/>
    public override string Name => "dreambooth-lora";

    /// <summary>The token written into prompts, <see cref="DreamBoothLoraOptions.Token"/>.</summary>
    public override string Placeholder => Options.Token;

    /// <summary>
    /// The paper's budget (batch 2, learning rate 5e-4 × 2 = 1e-3, 1,000 steps, DVAR N = 440, α = 0.4) with the recipe's data
    /// pipeline: under <see cref="TrainingRecipe.Authors"/> no gradient clipping, random flips, centre crop, their 57 templates,
    /// evaluation batch 4 and one more step after the stop; under <see cref="TrainingRecipe.Diffusers"/> clipping at 1.0, no flips,
    /// no crop, diffusers' 27 templates, batch 8 and the evaluated weights. Prior loss weight
    /// <see cref="DreamBoothLoraOptions.PriorLossWeight"/>.
    /// </summary>
    public override PersonalizationDefaults Defaults => new PersonalizationDefaults(
        LearningRate: DefaultLearningRate,
        BatchSize: DefaultBatchSize,
        MaxSteps: DefaultMaxSteps,
        Dvar: DvarOptions.DreamBoothLora,
        Templates: Options.EffectiveTemplates,
        MaxGradientNorm: Options.Recipe == TrainingRecipe.Authors ? null : 1.0,
        RandomFlip: Options.Recipe == TrainingRecipe.Authors)
    {
        PriorLossWeight = Options.PriorLossWeight,
        CenterCrop = Options.Recipe == TrainingRecipe.Authors,
    }.ForRecipe(Options.Recipe);

    /// <summary>
    /// The token rows (when trained), named <c>text_encoder.text_model.embeddings.trainable_token_rows_{k}</c>, then every LoRA
    /// weight, named as in the artifact: <c>unet.&lt;module path&gt;.lora.down.weight</c> and <c>.lora.up.weight</c>.
    /// </summary>
    public override IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => _trainable;

    /// <summary>Whether the token embedding trains (<see cref="DreamBoothLoraOptions.TrainTokenEmbedding"/>).</summary>
    public override bool TrainsTextConditioning => Options.TrainTokenEmbedding;

    /// <summary>The LoRA scale <c>alpha / r</c>.</summary>
    public double Scale => (Options.Alpha ?? Options.Rank) / Options.Rank;

    /// <summary>Writes <c>pytorch_lora_weights.safetensors</c> and, when the token trains, <c>learned_embeds.safetensors</c>.</summary>
    /// <param name="folder">The output folder (created if needed).</param>
    /// <returns>The paths of the files written.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The method is not attached.</exception>
    public override IReadOnlyList<string> SaveArtifacts(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        RequirePipeline();
        string loraPath = Path.Combine(folder, LoraWeightsFile.FileName);
        LoraWeightsFile.Write(loraPath, _layers);
        if (_tokenRows is null)
        {
            return [loraPath];
        }

        string embeddingsPath = Path.Combine(folder, TextualInversion.EmbeddingsFileName);
        TokenEmbeddingFile.Write(embeddingsPath, Options.Token, _tokenRows);
        return [loraPath, embeddingsPath];
    }

    /// <inheritdoc/>
    protected override void AttachCore(StableDiffusionPipeline pipeline)
    {
        int? initializerId = Options.TrainTokenEmbedding
            ? PlaceholderTokens.CheckCanAddTrainable(
                pipeline, [Options.Token], Options.EffectiveInitializerToken, nameof(DreamBoothLoraOptions.InitializerToken), PlaceholderTokens.LookupOf(Options.Recipe))
            : null;
        var targets = LoraAdapters.PlainTargets(pipeline.Unet, Options.TrainFeedForward);
        PipelineParameters.FreezeAll(pipeline);
        var trainable = new List<(string Name, Parameter Parameter)>();
        if (initializerId is int id)
        {
            _tokenRows = PlaceholderTokens.AddTrainable(pipeline, [Options.Token], id);
            trainable.Add((PipelineParameters.NameOf(pipeline.TextEncoder, _tokenRows, PipelineParameters.TextEncoderPrefix), _tokenRows));
        }

        _layers = LoraAdapters.AttachTrainable(targets, Options.Rank, Options.Alpha ?? Options.Rank, Options.InitializationSeed);
        foreach (var (path, layer) in _layers)
        {
            trainable.Add(($"{PipelineParameters.UnetPrefix}{path}.lora.down.weight", layer.Lora.Down));
            trainable.Add(($"{PipelineParameters.UnetPrefix}{path}.lora.up.weight", layer.Lora.Up));
        }

        _trainable = trainable;
    }
}
