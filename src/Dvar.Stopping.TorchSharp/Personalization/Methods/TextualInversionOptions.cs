using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.TorchSharp.Personalization;

/// <summary>The settings of <see cref="TextualInversion"/>: the new token, its initializer and the caption templates.</summary>
public sealed record TextualInversionOptions
{
    /// <summary>The placeholder token learned for the concept (e.g. <c>&lt;cat-toy&gt;</c>); it must be new to the tokenizer.</summary>
    /// <value>Required: non-empty, without white space or braces.</value>
    public required string Token { get; init; }

    /// <summary>The word whose embedding initialises every vector of the token (e.g. <c>toy</c>).</summary>
    /// <value>Required: a string the tokenizer encodes to exactly one token (checked on attach).</value>
    public required string InitializerToken { get; init; }

    /// <summary>
    /// The number of vectors. With n &gt; 1 the tokens <c>Token</c>, <c>Token_1</c>, ..., <c>Token_{n-1}</c> are added (diffusers'
    /// naming) and the placeholder written into prompts is all of them, separated by spaces.
    /// </summary>
    /// <value>1 to 75. Default 1.</value>
    public int NumVectors { get; init; } = 1;

    /// <summary>The caption templates a trainer draws from: <see cref="PromptTemplateSet.Object"/> or <see cref="PromptTemplateSet.Style"/>, or one's own.</summary>
    /// <value>Default <see cref="PromptTemplateSet.Object"/> (diffusers' 27 object templates).</value>
    public PromptTemplateSet Templates { get; init; } = PromptTemplateSet.Object;

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(Token, nameof(Token));
        OptionChecks.Word(InitializerToken, nameof(InitializerToken));
        Guard.AtLeast(NumVectors, 1, nameof(NumVectors));
        if (NumVectors > OptionChecks.MaxVectors)
        {
            throw new ArgumentOutOfRangeException(nameof(NumVectors), $"{nameof(NumVectors)} must be at most {OptionChecks.MaxVectors}; got {NumVectors}.");
        }

        OptionChecks.NotNull(Templates, nameof(Templates));
    }
}
