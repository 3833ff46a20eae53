using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The settings of <see cref="DreamBoothLora"/>. The defaults are the authors' variant the paper's DVAR setting was tuned on.</summary>
public sealed record DreamBoothLoraOptions
{
    /// <summary>
    /// The word written into prompts for the concept: a new token (e.g. <c>&lt;my-dog&gt;</c>) when
    /// <see cref="TrainTokenEmbedding"/> is true, or an existing rare word (e.g. <c>sks</c>) otherwise.
    /// </summary>
    /// <value>Required: non-empty, without white space or braces.</value>
    public required string Token { get; init; }

    /// <summary>The word whose embedding initialises the new token (e.g. <c>dog</c>); required when <see cref="TrainTokenEmbedding"/> is true.</summary>
    /// <value>A string the tokenizer encodes to exactly one token (checked on attach). Default null.</value>
    public string? InitializerToken { get; init; }

    /// <summary>The LoRA rank r.</summary>
    /// <value>At least 1. Default 4.</value>
    public int Rank { get; init; } = 4;

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
    /// <value>Default <see cref="PromptTemplateSet.Object"/> (the authors' variant).</value>
    public PromptTemplateSet Templates { get; init; } = PromptTemplateSet.Object;

    /// <summary>The weight of the class-image loss when the trainer is given class images (prior preservation).</summary>
    /// <value>A finite number at least 0. Default 1.0 (diffusers).</value>
    public double PriorLossWeight { get; init; } = 1.0;

    /// <summary>The seed of the generator that draws the LoRA <c>down</c> weights.</summary>
    /// <value>Any value. Default 0.</value>
    public ulong InitializationSeed { get; init; }

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(Token, nameof(Token));
        if (TrainTokenEmbedding)
        {
            OptionChecks.Word(InitializerToken, nameof(InitializerToken));
        }

        Guard.AtLeast(Rank, 1, nameof(Rank));
        if (Alpha is double alpha)
        {
            Guard.PositiveFinite(alpha, nameof(Alpha));
        }

        OptionChecks.NotNull(Templates, nameof(Templates));
        Guard.NonNegativeFinite(PriorLossWeight, nameof(PriorLossWeight));
    }
}
