using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>The settings of <see cref="DreamBoothLora"/>. The defaults are the authors' variant (feed-forward LoRA, a trained token,
/// their recipe), on which the paper's DVAR setting was tuned.</summary>
public sealed record DreamBoothLoraOptions
{
    /// <summary>
    /// The word written into prompts for the concept: a new token (e.g. <c>&lt;my-dog&gt;</c>) when
    /// <see cref="TrainTokenEmbedding"/> is true, or an existing rare word (e.g. <c>sks</c>) otherwise.
    /// </summary>
    /// <value>Required: non-empty, without white space or braces.</value>
    public required string Token { get; init; }

    /// <summary>Whose training dynamics to reproduce (templates, crop, flips, clipping, initializer lookup, evaluation batch, stop step).</summary>
    /// <value>Default <see cref="TrainingRecipe.Authors"/>, the dynamics DVAR's preset was tuned on.</value>
    public TrainingRecipe Recipe { get; init; }

    /// <summary>The token whose embedding initialises the new token; used when <see cref="TrainTokenEmbedding"/> is true.</summary>
    /// <value>
    /// Under <see cref="TrainingRecipe.Authors"/> a raw vocabulary entry, default <c>ktn</c> (their README commands); under
    /// <see cref="TrainingRecipe.Diffusers"/> a word the tokenizer encodes to exactly one token (e.g. <c>dog</c>), required with
    /// <see cref="TrainTokenEmbedding"/>. Checked on attach.
    /// </value>
    public string? InitializerToken { get; init; }

    /// <summary>The LoRA rank r.</summary>
    /// <value>At least 1. Default 4.</value>
    public int Rank { get; init; } = DefaultRank;

    /// <summary>The default of <see cref="Rank"/>.</summary>
    public const int DefaultRank = 4;

    /// <summary>The default weight of the class-image loss (diffusers' <c>--prior_loss_weight</c>).</summary>
    public const double DefaultPriorLossWeight = 1.0;

    /// <summary>The LoRA alpha; the update is scaled by <c>alpha / r</c>.</summary>
    /// <value>A finite number greater than 0, or null for <see cref="Rank"/> (scale 1, as diffusers' example). Default null.</value>
    public double? Alpha { get; init; }

    /// <summary>Whether the feed-forward GEGLU projections (<c>ff.net.0.proj</c>) get a LoRA too, besides the attention projections.</summary>
    /// <value>Default true (the authors' variant; diffusers' example adapts the attention projections only).</value>
    public bool TrainFeedForward { get; init; } = true;

    /// <summary>Whether <see cref="Token"/> is added as a new token whose embedding trains along with the LoRA.</summary>
    /// <value>Default true (the authors' variant; diffusers' example uses a fixed existing word).</value>
    public bool TrainTokenEmbedding { get; init; } = true;

    /// <summary>The caption templates: object templates, or one instance prompt such as <c>PromptTemplateSet.Single("a photo of {} dog")</c>.</summary>
    /// <value>Default null: the recipe's, <see cref="PromptTemplateSet.AuthorsObject"/> (57, the authors train DreamBooth-LoRA on
    /// the same dataset as Textual Inversion) under <see cref="TrainingRecipe.Authors"/> and <see cref="PromptTemplateSet.Object"/>
    /// (27) under <see cref="TrainingRecipe.Diffusers"/>.</value>
    public PromptTemplateSet? Templates { get; init; }

    /// <summary>The weight of the class-image loss when the trainer is given class images (prior preservation).</summary>
    /// <value>A finite number at least 0. Default 1.0 (diffusers).</value>
    public double PriorLossWeight { get; init; } = DefaultPriorLossWeight;

    /// <summary>The seed of the generator that draws the LoRA <c>down</c> weights.</summary>
    /// <value>Any value. Default 0.</value>
    public ulong InitializationSeed { get; init; }

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(Token, nameof(Token));
        OptionChecks.Recipe(Recipe, nameof(Recipe));
        if (TrainTokenEmbedding)
        {
            OptionChecks.Initializer(InitializerToken, Recipe, nameof(InitializerToken));
        }

        Guard.AtLeast(Rank, 1, nameof(Rank));
        if (Alpha is double alpha)
        {
            Guard.PositiveFinite(alpha, nameof(Alpha));
        }

        Guard.NonNegativeFinite(PriorLossWeight, nameof(PriorLossWeight));
    }

    /// <summary>The initializer after the recipe's default.</summary>
    internal string EffectiveInitializerToken => InitializerToken ?? RecipeDefaults.InitializerToken;

    /// <summary>The templates after the recipe's default.</summary>
    internal PromptTemplateSet EffectiveTemplates => Templates ?? RecipeDefaults.ObjectTemplates(Recipe);
}
