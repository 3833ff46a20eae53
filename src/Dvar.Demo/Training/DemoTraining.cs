using Dvar.Demo.World;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Demo.Training;

/// <summary>How the demo trains a held-out toy concept: the paper's setup scaled to a model a thousand times smaller. The one
/// place for these settings, used by <c>dvar demo</c> and by the benchmarks that measure its runs again.</summary>
public static class DemoTraining
{
    /// <summary>The fixed step budget of every method: the toy's conservative estimate (a concept is learned in 100-250 steps).</summary>
    public const int Budget = 2000;

    /// <summary>Instance images per training step, every method.</summary>
    public const int BatchSize = 4;

    /// <summary>The deterministic evaluation batch: 4, the default of the authors' code (the paper's text says 8). On the toy
    /// model an evaluation at 8 costs three quarters of a training step; at 4 it costs 0.4.</summary>
    public const int EvaluationBatchSize = 4;

    /// <summary>Textual Inversion's AdamW learning rate: the largest that keeps L_det smooth after convergence.</summary>
    public const double TextualInversionLearningRate = 2e-3;

    /// <summary>DreamBooth-LoRA's and Custom Diffusion's AdamW learning rate, chosen the same way.</summary>
    public const double AdapterLearningRate = 3e-3;

    /// <summary>Gets DVAR's window and threshold for every method: N = 100 (the paper's Textual Inversion window, 310 of 6,100,
    /// scaled to the toy's budget), α = 0.15.</summary>
    public static DvarOptions Dvar { get; } = new() { Window = 100, Threshold = 0.15 };

    /// <summary>Gets the training caption templates (<see cref="ToyWorld.TrainingTemplates"/>).</summary>
    public static PromptTemplateSet Templates { get; } = PromptTemplateSet.Custom(ToyWorld.TrainingTemplates);

    /// <summary>Gets how a concept's photos are loaded: at the toy's resolution, centre-cropped (the photos are not square).</summary>
    public static ConceptImageOptions PhotoOptions { get; } = new() { Resolution = ToyWorld.ImageSize, CenterCrop = true };

    /// <summary>Textual Inversion of a concept (not attached), under the diffusers recipe, with the demo's templates; the token
    /// starts from the generic noun "shape" (see <see cref="InitializerWord"/>).</summary>
    /// <param name="concept">The concept.</param>
    /// <returns>The method.</returns>
    public static TextualInversion TextualInversion(ToyConcept concept) =>
        new(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = Token(concept), InitializerToken = InitializerWord, Templates = Templates });

    /// <summary>DreamBooth-LoRA of a concept (not attached), as <see cref="TextualInversion"/>.</summary>
    /// <param name="concept">The concept.</param>
    /// <returns>The method.</returns>
    public static DreamBoothLora DreamBoothLora(ToyConcept concept) =>
        new(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = Token(concept), InitializerToken = InitializerWord, Templates = Templates });

    /// <summary>Custom Diffusion of a concept (not attached), as <see cref="TextualInversion"/>, without random rescaling: on
    /// 32-pixel photos (a 4 x 4 latent) its loss mask, one latent cell inside the pasted photo, leaves at most 2 x 2 cells and
    /// often none.</summary>
    /// <param name="concept">The concept.</param>
    /// <returns>The method.</returns>
    public static CustomDiffusion CustomDiffusion(ToyConcept concept) =>
        new(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = Token(concept), InitializerToken = InitializerWord, Templates = Templates, RescaleAugmentation = false });

    /// <summary>Loads a concept's photos with <see cref="PhotoOptions"/> and the demo's templates.</summary>
    /// <param name="photos">The photo folder.</param>
    /// <param name="placeholder">The method's placeholder.</param>
    /// <returns>The concept data; the caller owns it.</returns>
    public static ConceptData LoadConcept(string photos, string placeholder)
    {
        var images = ConceptImages.Load(photos, PhotoOptions);
        try
        {
            return new ConceptData(images, Templates, placeholder);
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <summary>Renders a concept's "user photos" into a folder (created if needed) as <c>photo-1.png</c>, <c>photo-2.png</c>, ...</summary>
    /// <param name="concept">The concept.</param>
    /// <param name="folder">The folder.</param>
    public static void WritePhotos(ToyConcept concept, string folder)
    {
        ArgumentNullException.ThrowIfNull(concept);
        Directory.CreateDirectory(folder);
        for (int i = 0; i < concept.Photos.Count; i++)
        {
            ToyRenderer.Render(concept.Photos[i]).SavePng(Path.Combine(folder, $"photo-{i + 1}.png"));
        }
    }

    /// <summary>The word every concept's token starts from: the generic noun "shape" (as "toy" or "dog" starts a real concept),
    /// so the runs have to learn both the colour and the shape.</summary>
    public static string InitializerWord => ToyVocabulary.GenericNoun;

    private static string Token(ToyConcept concept)
    {
        ArgumentNullException.ThrowIfNull(concept);
        return concept.Token;
    }
}
