using Dvar.Stopping.TorchSharp.Personalization.Data;
namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Values shared by the methods' recipes.</summary>
internal static class RecipeDefaults
{
    /// <summary>The authors' initializer: the vocabulary entry <c>ktn</c> (id 42170 in CLIP's vocabulary), from their README commands.</summary>
    public const string InitializerToken = "ktn";

    /// <summary>The entry of <see cref="PromptTemplates.AuthorsObject"/> that the authors' Custom Diffusion prompt uses: Python's
    /// <c>random.seed(59); random.choice(imagenet_templates_base)</c> (their seed, <c>textual_inversion.py</c>) picks 14.</summary>
    public const int AuthorsCustomDiffusionTemplate = 14;

    /// <summary>The object templates of a recipe: the authors' 57 or diffusers' 27.</summary>
    public static PromptTemplateSet ObjectTemplates(TrainingRecipe recipe) =>
        recipe == TrainingRecipe.Authors ? PromptTemplateSet.AuthorsObject : PromptTemplateSet.Object;
}
