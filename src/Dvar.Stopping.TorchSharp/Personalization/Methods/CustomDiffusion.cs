using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Custom Diffusion (Kumari et al.): trains the cross-attention key and value projections and a modifier token.</summary>
/// <remarks>
/// <para>
/// <see cref="PersonalizationMethod.Attach"/> freezes the pipeline, adds <see cref="CustomDiffusionOptions.ModifierToken"/> with a
/// trainable row initialised from <see cref="CustomDiffusionOptions.InitializerToken"/>, and replaces <c>to_k</c> and <c>to_v</c>
/// of every <c>attn2</c> by a trainable float32 copy of the pretrained weight whose keys/values at token position 0 are detached
/// (diffusers' <c>CustomDiffusionAttnProcessor</c>). The UNet's state-dict keys are unchanged (<c>...attn2.to_k.weight</c> is
/// the trained copy). SD v1.5: 32 tensors, 19,169,280 parameters.
/// </para>
/// <para>
/// Artifacts: <c>pytorch_custom_diffusion_weights.safetensors</c> with keys
/// <c>&lt;attn2 path&gt;.processor.to_k_custom_diffusion.weight</c> / <c>.to_v_custom_diffusion.weight</c>, and
/// <c>&lt;token&gt;.safetensors</c> = <c>{token: float32 [hidden]}</c> (1-D), both with metadata <c>{"format": "pt"}</c>;
/// <see cref="LoadWeights"/> reads them.
/// </para>
/// </remarks>
public sealed partial class CustomDiffusion : PersonalizationMethod
{
    private readonly List<KeyValuePair<string, CustomDiffusionProjection>> _projections = [];
    private Parameter? _tokenRow;
    private IReadOnlyList<(string Name, Parameter Parameter)> _trainable = [];

    /// <summary>Creates the method.</summary>
    /// <param name="options">The settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public CustomDiffusion(CustomDiffusionOptions? options = null)
    {
        options ??= new CustomDiffusionOptions();
        options.Validate();
        Options = options;
    }

    /// <summary>The settings.</summary>
    public CustomDiffusionOptions Options { get; }

    /// <summary>The paper's step cap for this method (its fixed-budget baseline).</summary>
    public const int DefaultMaxSteps = 500;

    /// <summary>The paper's batch size for this method.</summary>
    public const int DefaultBatchSize = 2;

    /// <summary>The paper's learning rate for this method (1e-5 × batch 2; doubled with class images).</summary>
    public const double DefaultLearningRate = 1e-5 * 2;

    /// <inheritdoc/>
    public override string Name => "custom-diffusion";

    /// <summary>The modifier token, <see cref="CustomDiffusionOptions.ModifierToken"/>.</summary>
    public override string Placeholder => Options.ModifierToken;

    /// <summary>
    /// The paper's budget (batch 2, learning rate 1e-5 × 2 = 2e-5, doubled to 4e-5 with class images as both sources do, 500 steps,
    /// DVAR N = 180, α = 0.15) with gradient clipping at 1.0 and the recipe's data pipeline: under <see cref="TrainingRecipe.Authors"/>
    /// class images are required, images flip at random, instance images get the authors' rescale augmentation with its loss
    /// mask and prompt prefixes, evaluation batch 4 and one more step after the stop; under <see cref="TrainingRecipe.Diffusers"/>
    /// class images are optional, no flips, diffusers' rescale augmentation (with or without class images), batch 8 and the
    /// evaluated weights. <see cref="CustomDiffusionOptions.RescaleAugmentation"/> turns the augmentation off. No centre crop under either (the authors'
    /// README: "remove --center_crop ... when using --method custom").
    /// </summary>
    public override PersonalizationDefaults Defaults => new PersonalizationDefaults(
        LearningRate: DefaultLearningRate,
        BatchSize: DefaultBatchSize,
        MaxSteps: DefaultMaxSteps,
        Dvar: DvarOptions.CustomDiffusion,
        Templates: Options.EffectiveTemplates,
        MaxGradientNorm: 1.0,
        RandomFlip: Options.Recipe == TrainingRecipe.Authors)
    {
        PriorLossWeight = Options.PriorLossWeight,
        PriorPreservationLearningRate = 1e-5 * 2 * 2,
        RequiresClassImages = Options.Recipe == TrainingRecipe.Authors,
        RescaleAugmentation = Options.RescaleAugmentation ?? true,
    }.ForRecipe(Options.Recipe);

    /// <summary>
    /// The modifier row, named <c>text_encoder.text_model.embeddings.trainable_token_rows_{k}</c>, then the key and value weights of
    /// every <c>attn2</c>, named by their UNet keys (<c>unet.&lt;attn2 path&gt;.to_k.weight</c>, <c>.to_v.weight</c>).
    /// </summary>
    public override IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters => _trainable;

    /// <summary>True: the modifier token's row trains.</summary>
    public override bool TrainsTextConditioning => true;

    /// <summary>Writes <c>pytorch_custom_diffusion_weights.safetensors</c> and <c>&lt;ModifierToken&gt;.safetensors</c>.</summary>
    /// <remarks>The token file is named after the token, as diffusers names it (<c>&lt;new1&gt;.safetensors</c>); characters the
    /// operating system does not allow in file names (on Windows <c>&lt;</c> and <c>&gt;</c>) become <c>_</c>. The token itself
    /// is the key inside the file, which is what <see cref="LoadWeights"/> reads.</remarks>
    /// <param name="folder">The output folder (created if needed).</param>
    /// <returns>The paths of the files written.</returns>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The method is not attached.</exception>
    public override IReadOnlyList<string> SaveArtifacts(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        RequirePipeline();
        string weightsPath = Path.Combine(folder, CustomDiffusionWeightsFile.FileName);
        CustomDiffusionWeightsFile.Write(weightsPath, _projections.Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value.Weight)));
        string tokenPath = Path.Combine(folder, TokenFileName(Options.ModifierToken));
        using (NewDisposeScope())
        {
            TokenEmbeddingFile.Write(tokenPath, Options.ModifierToken, _tokenRow!.detach().squeeze(0));
        }

        return [weightsPath, tokenPath];
    }

    /// <summary>The token's file name: the token with characters invalid in file names on this system replaced by <c>_</c>.</summary>
    internal static string TokenFileName(string token) =>
        string.Concat(token.Select(c => Array.IndexOf(Path.GetInvalidFileNameChars(), c) >= 0 ? '_' : c)) + ".safetensors";

    /// <inheritdoc/>
    protected override void AttachCore(StableDiffusionPipeline pipeline)
    {
        var crossAttentions = CustomDiffusionWeightsFile.CrossAttentions(pipeline.Unet);
        if (crossAttentions.SelectMany(a => CustomDiffusionWeightsFile.Projections.Select(a.Attention.GetProjection)).Any(p => p.Adapter is not null))
        {
            throw new ArgumentException("The UNet's cross-attention key/value projections are already replaced (Custom Diffusion or LoRA attached or loaded).", nameof(pipeline));
        }

        int initializerId = PlaceholderTokens.CheckCanAddTrainable(
            pipeline,
            [Options.ModifierToken],
            Options.InitializerToken,
            nameof(CustomDiffusionOptions.InitializerToken),
            Options.Recipe == TrainingRecipe.Authors ? InitializerLookup.VocabularyEntry : InitializerLookup.VocabularyEntryOrWord);
        PipelineParameters.FreezeAll(pipeline);
        _tokenRow = PlaceholderTokens.AddTrainable(pipeline, [Options.ModifierToken], initializerId);
        var trainable = new List<(string Name, Parameter Parameter)>
        {
            (PipelineParameters.NameOf(pipeline.TextEncoder, _tokenRow, PipelineParameters.TextEncoderPrefix), _tokenRow),
        };
        foreach (var (path, attention) in crossAttentions)
        {
            foreach (var projection in CustomDiffusionWeightsFile.Projections)
            {
                var replacement = CustomDiffusionProjection.Attach(attention.GetProjection(projection), trainable: true);
                _projections.Add(new(CustomDiffusionWeightsFile.KeyOf(path, projection), replacement));
                string name = projection == AttentionProjection.Key ? "to_k" : "to_v";
                trainable.Add(($"{PipelineParameters.UnetPrefix}{path}.{name}.weight", replacement.Weight));
            }
        }

        _trainable = trainable;
    }
}
