using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using TorchSharp.Modules;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Textual Inversion (Gal et al.): learns the embedding of a new token; every model weight stays frozen.</summary>
/// <remarks>
/// <para>
/// <see cref="PersonalizationMethod.Attach"/> adds <see cref="Tokens"/> to the tokenizer and one trainable float32 row per token to
/// the text encoder (<see cref="ClipTextModel.AddTrainableTokenRows"/>), each initialised from the row of
/// <see cref="TextualInversionOptions.InitializerToken"/>. The rows are kept apart from the frozen embedding table, so training can
/// change no other token. Prompts use <see cref="Placeholder"/>.
/// </para>
/// <para>
/// Artifact: <c>learned_embeds.safetensors</c> = <c>{Token: float32 [NumVectors, hidden]}</c>, metadata <c>{"format": "pt"}</c>,
/// which diffusers' <c>load_textual_inversion</c> and <see cref="LoadEmbeddings"/> read.
/// </para>
/// </remarks>
public sealed partial class TextualInversion : PersonalizationMethod
{
    /// <summary>The artifact's file name.</summary>
    public const string EmbeddingsFileName = "learned_embeds.safetensors";

    private Parameter? _rows;
    private IReadOnlyList<(string Name, Parameter Parameter)> _trainable = [];

    /// <summary>Creates the method.</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public TextualInversion(TextualInversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Tokens = PlaceholderTokens.Expand(options.Token, options.NumVectors);
    }

    /// <summary>The settings.</summary>
    public TextualInversionOptions Options { get; }

    /// <summary>The tokens added: <c>Token</c>, then <c>Token_1</c> ... for multi-vector tokens.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The paper's step cap for this method (its fixed-budget baseline).</summary>
    public const int DefaultMaxSteps = 6_100;

    /// <summary>The paper's batch size for this method.</summary>
    public const int DefaultBatchSize = 2;

    /// <summary>The paper's learning rate for this method (5e-3 × batch 2).</summary>
    public const double DefaultLearningRate = 5e-3 * 2;

    /// <inheritdoc/>
    public override string Name => "textual-inversion";

    /// <summary>The text written into prompts: the tokens separated by spaces (just <c>Token</c> for one vector).</summary>
    public override string Placeholder => string.Join(' ', Tokens);

    /// <summary>The paper's budget (batch 2, learning rate 5e-3 × 2 = 1e-2, 6,100 steps, DVAR N = 310, α = 0.15) with the recipe's
    /// data pipeline: no clipping and random flips under both; the authors' 57 templates, centre crop, evaluation batch 4 and one
    /// more step after the stop (<see cref="TrainingRecipe.Authors"/>), or diffusers' 27 templates, no crop, batch 8 and the evaluated
    /// weights (<see cref="TrainingRecipe.Diffusers"/>).</summary>
    public override PersonalizationDefaults Defaults => new PersonalizationDefaults(
        LearningRate: DefaultLearningRate,
        BatchSize: DefaultBatchSize,
        MaxSteps: DefaultMaxSteps,
        Dvar: DvarOptions.TextualInversion,
        Templates: Options.EffectiveTemplates,
        MaxGradientNorm: null,
        RandomFlip: true)
    {
        CenterCrop = Options.Recipe == TrainingRecipe.Authors,
    }.ForRecipe(Options.Recipe);

    /// <summary>One parameter: the token rows [NumVectors, hidden], named <c>text_encoder.text_model.embeddings.trainable_token_rows_{k}</c>.</summary>
    public override IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => _trainable;

    /// <summary>True: the text encoder's output depends on the token rows.</summary>
    public override bool TrainsTextConditioning => true;

    /// <summary>The trained rows [NumVectors, hidden] (float32), or null before <see cref="PersonalizationMethod.Attach"/>.</summary>
    public Parameter? Embeddings => _rows;

    /// <summary>Writes <c>learned_embeds.safetensors</c> (<c>{Token: float32 [NumVectors, hidden]}</c>, metadata <c>{"format": "pt"}</c>).</summary>
    /// <param name="folder">The output folder (created if needed).</param>
    /// <returns>The path of the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The method is not attached.</exception>
    public override IReadOnlyList<string> SaveArtifacts(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        RequirePipeline();
        string path = Path.Combine(folder, EmbeddingsFileName);
        TokenEmbeddingFile.Write(path, Options.Token, _rows!);
        return [path];
    }

    /// <inheritdoc/>
    protected override void AttachCore(StableDiffusionPipeline pipeline)
    {
        int initializerId = PlaceholderTokens.CheckCanAddTrainable(
            pipeline, Tokens, Options.EffectiveInitializerToken, nameof(TextualInversionOptions.InitializerToken), PlaceholderTokens.LookupOf(Options.Recipe));
        PipelineParameters.FreezeAll(pipeline);
        _rows = PlaceholderTokens.AddTrainable(pipeline, Tokens, initializerId);
        _trainable = [(PipelineParameters.NameOf(pipeline.TextEncoder, _rows, PipelineParameters.TextEncoderPrefix), _rows)];
    }
}
