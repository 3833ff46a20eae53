using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>The settings of <see cref="TextualInversion"/>: the recipe, the new token, its initializer and the caption templates.</summary>
public sealed record TextualInversionOptions
{
    /// <summary>The placeholder token learned for the concept (e.g. <c>&lt;cat-toy&gt;</c>); it must be new to the tokenizer.</summary>
    /// <value>Required: non-empty, without white space or braces.</value>
    public required string Token { get; init; }

    /// <summary>Whose training dynamics to reproduce (templates, crop, flips, initializer lookup, evaluation batch, stop step).</summary>
    /// <value>Default <see cref="TrainingRecipe.Authors"/>, the dynamics DVAR's preset was tuned on.</value>
    public TrainingRecipe Recipe { get; init; }

    /// <summary>The token whose embedding initialises every vector of the new token.</summary>
    /// <value>
    /// Under <see cref="TrainingRecipe.Authors"/> a raw vocabulary entry (<c>ktn</c>, <c>toy&lt;/w&gt;</c> for the word "toy"), looked
    /// up as the authors' <c>tokenizer.encode([token])</c> does; default <c>ktn</c> (their README commands). Under
    /// <see cref="TrainingRecipe.Diffusers"/> a word the tokenizer encodes to exactly one token (e.g. <c>toy</c>), required.
    /// Checked on attach.
    /// </value>
    public string? InitializerToken { get; init; }

    /// <summary>
    /// The number of vectors. With n &gt; 1 the tokens <c>Token</c>, <c>Token_1</c>, ..., <c>Token_{n-1}</c> are added (diffusers'
    /// naming) and the placeholder written into prompts is all of them, separated by spaces.
    /// </summary>
    /// <value>1 to 75. Default 1.</value>
    public int NumVectors { get; init; } = DefaultNumVectors;

    /// <summary>The default of <see cref="NumVectors"/>.</summary>
    public const int DefaultNumVectors = 1;

    /// <summary>The most vectors a token may have (<see cref="NumVectors"/>): a prompt holds 75 tokens.</summary>
    public const int MaxVectors = OptionChecks.MaxVectors;

    /// <summary>The caption templates a trainer draws from: <see cref="PromptTemplateSet.Object"/> or <see cref="PromptTemplateSet.Style"/>, or one's own.</summary>
    /// <value>Default null: the recipe's, <see cref="PromptTemplateSet.AuthorsObject"/> (57) under <see cref="TrainingRecipe.Authors"/>
    /// and <see cref="PromptTemplateSet.Object"/> (diffusers' 27) under <see cref="TrainingRecipe.Diffusers"/>.</value>
    public PromptTemplateSet? Templates { get; init; }

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(Token, nameof(Token));
        OptionChecks.Recipe(Recipe, nameof(Recipe));
        OptionChecks.Initializer(InitializerToken, Recipe, nameof(InitializerToken));
        Guard.AtLeast(NumVectors, 1, nameof(NumVectors));
        if (NumVectors > OptionChecks.MaxVectors)
        {
            throw new ArgumentOutOfRangeException(nameof(NumVectors), $"{nameof(NumVectors)} must be at most {OptionChecks.MaxVectors}; got {NumVectors}.");
        }

    }

    /// <summary>The initializer after the recipe's default.</summary>
    internal string EffectiveInitializerToken => InitializerToken ?? RecipeDefaults.InitializerToken;

    /// <summary>The templates after the recipe's default.</summary>
    internal PromptTemplateSet EffectiveTemplates => Templates ?? RecipeDefaults.ObjectTemplates(Recipe);
}
