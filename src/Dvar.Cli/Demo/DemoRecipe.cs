using Dvar.Cli.Training;
using Dvar.Demo.World;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Cli.Demo;

/// <summary>How the demo trains one method on the toy pipeline: the paper's setup scaled to a model a thousand times
/// smaller. One place for every number of the demo's runs.</summary>
/// <param name="Method">The method.</param>
/// <param name="LearningRate">The AdamW learning rate.</param>
/// <param name="BatchSize">Instance images per step.</param>
/// <param name="Budget">The fixed step budget ("Baseline" and the cap of the other runs).</param>
/// <param name="Dvar">DVAR's window N and threshold α.</param>
/// <param name="Patience">The CLIP-s analogue: patience and minimal improvement of the train image score.</param>
internal sealed record DemoRecipe(
    TrainMethod Method,
    double LearningRate,
    int BatchSize,
    int Budget,
    DvarOptions Dvar,
    PatienceOptions Patience)
{
    /// <summary>The fixed step budget of every method: the toy's conservative estimate (a concept is learned in 100-250 steps).</summary>
    public const int DefaultBudget = 2000;

    /// <summary>Steps between the budget run's sample scorings: every 100 steps, as the paper's baseline samples during
    /// DreamBooth-LoRA's and Custom Diffusion's 1,000 / 500 steps (every 500 of Textual Inversion's 6,100).</summary>
    public const int BudgetScoreEvery = 100;

    /// <summary>Steps between the CLIP-s run's scorings: every 50, the authors' CLIP-s frequency.</summary>
    public const int ClipSScoreEvery = 50;

    /// <summary>The deterministic evaluation batch: 4, the default of the authors' code (the paper's text says 8). On the
    /// toy model an evaluation at 8 costs three quarters of a training step; at 4 it costs 0.4.</summary>
    public const int EvaluationBatchSize = 4;

    /// <summary>The recipe of a method.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The recipe.</returns>
    public static DemoRecipe For(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => new(method, 2e-3, 4, DefaultBudget, new DvarOptions { Window = 100, Threshold = 0.15 }, new PatienceOptions { Patience = 3, MinDelta = 0.005 }),
        TrainMethod.DreamBoothLora => new(method, 3e-3, 4, DefaultBudget, new DvarOptions { Window = 100, Threshold = 0.15 }, new PatienceOptions { Patience = 3, MinDelta = 0.005 }),
        TrainMethod.CustomDiffusion => new(method, 3e-3, 4, DefaultBudget, new DvarOptions { Window = 100, Threshold = 0.15 }, new PatienceOptions { Patience = 3, MinDelta = 0.005 }),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown method."),
    };

    /// <summary>The word a concept's token starts from: its class, the shape word ("triangle"), as "toy" or "dog" is for a
    /// real object; personalization has to learn what makes it this one (its colour, how the photos show it).</summary>
    /// <param name="concept">The concept.</param>
    /// <returns>The initializer word.</returns>
    public static string InitializerWord(ToyConcept concept) => ToyVocabulary.GenericNoun;

    /// <summary>Creates the method for a concept (not attached), under the diffusers recipe: the demo's toy concepts have no
    /// class images, and its settings (templates, evaluation batch, crop, Custom Diffusion without random rescaling) are its
    /// own, set here and in <see cref="DemoJob"/>.</summary>
    /// <param name="concept">The concept: its token, and its class word as the initializer.</param>
    /// <param name="templates">The training templates.</param>
    /// <returns>The method.</returns>
    public PersonalizationMethod CreateMethod(ToyConcept concept, PromptTemplateSet templates) => Method switch
    {
        TrainMethod.TextualInversion => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = concept.Token, InitializerToken = InitializerWord(concept), Templates = templates }),
        TrainMethod.DreamBoothLora => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = concept.Token, InitializerToken = InitializerWord(concept), Templates = templates }),
        // No random rescaling: on 32-pixel photos (a 4 x 4 latent) its loss mask, one latent cell inside the pasted photo,
        // leaves at most 2 x 2 cells and often none.
        _ => new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, ModifierToken = concept.Token, InitializerToken = InitializerWord(concept), Templates = templates, RescaleAugmentation = false }),
    };
}
