using Dvar.Cli.Training;
using Dvar.Demo.Training;
using Dvar.Demo.World;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Cli.Demo;

/// <summary>How the demo trains and stops one method on the toy pipeline: <see cref="DemoTraining"/>'s settings for the method,
/// and the demo's runs (the CLIP-s analogue's patience, the scoring intervals).</summary>
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
    /// <summary>Steps between the budget run's sample scorings: every 100 steps, as the paper's baseline samples during
    /// DreamBooth-LoRA's and Custom Diffusion's 1,000 / 500 steps (every 500 of Textual Inversion's 6,100).</summary>
    public const int BudgetScoreEvery = 100;

    /// <summary>Steps between the CLIP-s run's scorings: every 50, the authors' CLIP-s frequency.</summary>
    public const int ClipSScoreEvery = 50;

    private static readonly PatienceOptions ClipS = new() { Patience = 3, MinDelta = 0.005 };

    /// <summary>The recipe of a method.</summary>
    /// <param name="method">The method.</param>
    /// <returns>The recipe.</returns>
    public static DemoRecipe For(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => new(method, DemoTraining.TextualInversionLearningRate, DemoTraining.BatchSize, DemoTraining.Budget, DemoTraining.Dvar, ClipS),
        TrainMethod.DreamBoothLora or TrainMethod.CustomDiffusion => new(method, DemoTraining.AdapterLearningRate, DemoTraining.BatchSize, DemoTraining.Budget, DemoTraining.Dvar, ClipS),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown method."),
    };

    /// <summary>Creates the method for a concept (not attached), as <see cref="DemoTraining"/> builds it.</summary>
    /// <param name="concept">The concept.</param>
    /// <returns>The method.</returns>
    public PersonalizationMethod CreateMethod(ToyConcept concept) => Method switch
    {
        TrainMethod.TextualInversion => DemoTraining.TextualInversion(concept),
        TrainMethod.DreamBoothLora => DemoTraining.DreamBoothLora(concept),
        _ => DemoTraining.CustomDiffusion(concept),
    };
}
