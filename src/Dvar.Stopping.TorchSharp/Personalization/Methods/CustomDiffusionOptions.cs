using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.TorchSharp.Personalization.Data;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>The settings of <see cref="CustomDiffusion"/>.</summary>
public sealed record CustomDiffusionOptions
{
    /// <summary>The modifier token learned for the concept (diffusers' and the authors' <c>&lt;new1&gt;</c>); it must be new to the tokenizer.</summary>
    /// <value>Non-empty, without white space or braces. Default <c>&lt;new1&gt;</c>.</value>
    public string ModifierToken { get; init; } = "<new1>";

    /// <summary>Whose training dynamics to reproduce (prior preservation, augmentation, flips, prompt, evaluation batch, stop step).</summary>
    /// <value>Default <see cref="TrainingRecipe.Authors"/>, the dynamics DVAR's preset was tuned on: it needs class images.</value>
    public TrainingRecipe Recipe { get; init; }

    /// <summary>The token whose embedding initialises the modifier token.</summary>
    /// <value>
    /// A vocabulary entry (a raw BPE token: <c>ktn</c> is id 42170, <c>cat&lt;/w&gt;</c> the word "cat"), looked up as the authors'
    /// and diffusers' <c>tokenizer.encode([token])</c> does. Under <see cref="TrainingRecipe.Diffusers"/> a string that is no entry
    /// may also be a word that encodes to exactly one token. Checked on attach. Default <c>ktn</c> (the authors' and diffusers'
    /// examples).
    /// </value>
    public string InitializerToken { get; init; } = "ktn";

    /// <summary>The concept's class in words, e.g. <c>cat statue</c>: the authors write it after the modifier token in the instance
    /// prompt (<c>"&lt;new1&gt; cat statue"</c>).</summary>
    /// <value>Non-empty and without braces when given. Default null. Needed by <see cref="TrainingRecipe.Authors"/> unless
    /// <see cref="Templates"/> is given.</value>
    public string? ClassWord { get; init; }

    /// <summary>The caption templates: one instance prompt holding the modifier token.</summary>
    /// <value>
    /// Default null: the recipe's. Under <see cref="TrainingRecipe.Authors"/> <c>"a photo of one {} &lt;ClassWord&gt;"</c>: the
    /// authors format one template of their list with <c>"&lt;token&gt; &lt;class&gt;"</c>, drawn once with their seed 59
    /// (<c>random.seed(59); random.choice(imagenet_templates_base)</c> gives entry 14, "a photo of one {}"). Under
    /// <see cref="TrainingRecipe.Diffusers"/> <c>"photo of a {}"</c>, or <c>"photo of a {} &lt;ClassWord&gt;"</c> with a class word
    /// (diffusers' example <c>--instance_prompt "photo of a &lt;new1&gt; cat"</c>).
    /// </value>
    public PromptTemplateSet? Templates { get; init; }

    /// <summary>The weight of the class-image loss when the trainer is given class images (prior preservation).</summary>
    /// <value>A finite number at least 0. Default 1.0 (diffusers).</value>
    public double PriorLossWeight { get; init; } = DreamBoothLoraOptions.DefaultPriorLossWeight;

    /// <summary>Whether instance photos get the random-rescale augmentation (shrunk into an empty canvas with the caption prefix
    /// "a far away " or "very small ", or enlarged and cut with "zoomed in " or "close up ", the instance loss masked to the
    /// photo), in the recipe's version (see <see cref="PersonalizationDefaults.RescaleAugmentation"/>).</summary>
    /// <value>
    /// Default null: on, as in both sources. Under <see cref="TrainingRecipe.Authors"/> it takes effect with class images, which
    /// that recipe requires; under <see cref="TrainingRecipe.Diffusers"/> with or without them, as diffusers' script does unless
    /// given <c>--noaug</c>. <see langword="false"/> trains on the photos as loaded (resized, no mask); diffusers' <c>--noaug</c>
    /// differs from that in still squashing each photo to a square and masking the loss one latent cell inside its border.
    /// </value>
    public bool? RescaleAugmentation { get; init; }

    /// <summary>Throws on the first invalid setting, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    internal void Validate()
    {
        OptionChecks.Token(ModifierToken, nameof(ModifierToken));
        OptionChecks.Recipe(Recipe, nameof(Recipe));
        OptionChecks.Word(InitializerToken, nameof(InitializerToken));
        if (ClassWord is not null && (string.IsNullOrWhiteSpace(ClassWord) || ClassWord.AsSpan().IndexOfAny('{', '}') >= 0))
        {
            throw new ArgumentException($"{nameof(ClassWord)} must be non-empty words without braces (e.g. \"cat statue\"); got \"{ClassWord}\".", nameof(ClassWord));
        }

        if (Recipe == TrainingRecipe.Authors && Templates is null && ClassWord is null)
        {
            throw new ArgumentException(
                $"{nameof(ClassWord)} is needed by the authors' Custom Diffusion recipe, whose instance prompt is \"a photo of one <token> <class>\" (e.g. \"cat statue\"); give it, or give {nameof(Templates)}.",
                nameof(ClassWord));
        }

        Guard.NonNegativeFinite(PriorLossWeight, nameof(PriorLossWeight));
    }

    /// <summary>The templates after the recipe's default.</summary>
    internal PromptTemplateSet EffectiveTemplates => Templates ?? (Recipe == TrainingRecipe.Authors
        ? PromptTemplateSet.Single(PromptTemplates.AuthorsObject[RecipeDefaults.AuthorsCustomDiffusionTemplate].Replace("{}", "{} " + ClassWord!.Trim(), StringComparison.Ordinal))
        : PromptTemplateSet.Single(ClassWord is null ? "photo of a {}" : "photo of a {} " + ClassWord.Trim()));
}
