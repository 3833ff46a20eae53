using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The settings of <see cref="CustomDiffusion"/>.</summary>
public sealed record CustomDiffusionOptions
{
    /// <summary>The modifier token learned for the concept (diffusers' and the authors' <c>&lt;new1&gt;</c>); it must be new to the tokenizer.</summary>
    /// <value>Non-empty, without white space or braces. Default <c>&lt;new1&gt;</c>.</value>
    public string ModifierToken { get; init; } = "<new1>";

    /// <summary>The token whose embedding initialises the modifier token.</summary>
    /// <value>
    /// A vocabulary entry (a raw BPE token: <c>ktn</c> is id 42170, <c>cat&lt;/w&gt;</c> the word "cat"), looked up as diffusers' Custom
    /// Diffusion script does; a string that is no entry must encode to exactly one token (checked on attach). Default <c>ktn</c>
    /// (the authors' and diffusers' examples).
    /// </value>
    public string InitializerToken { get; init; } = "ktn";

    /// <summary>
    /// The caption templates. The authors train on one instance prompt holding the modifier token and the class word, e.g.
    /// <c>PromptTemplateSet.Single("photo of a {} cat")</c>; give that when the class is known.
    /// </summary>
    /// <value>Default <c>PromptTemplateSet.Single("photo of a {}")</c>: the modifier token alone, for when no class word is given.</value>
    public PromptTemplateSet Templates { get; init; } = PromptTemplateSet.Single("photo of a {}");

    /// <summary>The weight of the class-image loss when the trainer is given class images (prior preservation).</summary>
    /// <value>A finite number at least 0. Default 1.0 (diffusers).</value>
    public double PriorLossWeight { get; init; } = 1.0;

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(ModifierToken, nameof(ModifierToken));
        OptionChecks.Word(InitializerToken, nameof(InitializerToken));
        OptionChecks.NotNull(Templates, nameof(Templates));
        Guard.NonNegativeFinite(PriorLossWeight, nameof(PriorLossWeight));
    }
}
