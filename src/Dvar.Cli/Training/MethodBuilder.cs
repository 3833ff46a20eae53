using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Cli.Training;

/// <summary>Builds the personalization method of a <see cref="TrainRequest"/>; unset options keep the library's defaults.</summary>
internal static class MethodBuilder
{
    /// <summary>The command-line option of each option property and parameter the library names in its errors.</summary>
    public static IReadOnlyDictionary<string, string> OptionOfParameter { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Recipe"] = "--recipe",
        ["ClassWord"] = "--class-prompt",
        ["Token"] = "--token",
        ["ModifierToken"] = "--token",
        ["placeholder"] = "--token",
        ["InitializerToken"] = "--init-token",
        ["NumVectors"] = "--vectors",
        ["Rank"] = "--rank",
        ["Alpha"] = "--alpha",
        ["PriorLossWeight"] = "--prior-loss-weight",
        ["RescaleAugmentation"] = "--no-augmentation",
        ["templates"] = "--templates",
        ["template"] = "--templates",
        ["MaxSteps"] = "--max-steps",
        ["LearningRate"] = "--learning-rate",
        ["BatchSize"] = "--batch-size",
        ["MaxGradientNorm"] = "--max-grad-norm",
        ["TrainingSeed"] = "--seed",
        ["EvaluationSeed"] = "--eval-seed",
        ["EvaluationBatchSize"] = "--eval-batch-size",
        ["EvaluationFrequency"] = "--eval-every",
        ["EvaluationMethod"] = "--eval-dtype",
        ["CheckpointInterval"] = "--checkpoint-every",
        ["Data"] = "--resolution",
        ["Resolution"] = "--resolution",
        ["classImages"] = "--class-images",
        ["classPrompt"] = "--class-prompt",
        ["checkpointFolder"] = "--resume",
    };

    /// <summary>The caption templates of <c>--templates</c>, or null when not given.</summary>
    /// <param name="text"><c>authors</c>, <c>object</c>, <c>style</c>, or one template with <c>{}</c>.</param>
    /// <returns>The set, or null.</returns>
    /// <exception cref="ArgumentException">The template is invalid (parameter <c>templates</c>).</exception>
    public static PromptTemplateSet? Templates(string? text) => text switch
    {
        null => null,
        "authors" => PromptTemplateSet.AuthorsObject,
        "object" => PromptTemplateSet.Object,
        "style" => PromptTemplateSet.Style,
        _ => PromptTemplateSet.Single(text),
    };

    /// <summary>Creates the method (not attached).</summary>
    /// <param name="request">The request.</param>
    /// <param name="templates">The caption templates, or null for the method's default.</param>
    /// <returns>The method.</returns>
    /// <exception cref="UsageException">An option does not apply (e.g. <c>--init-token</c> with <c>--no-train-token</c>).</exception>
    /// <exception cref="ArgumentException">A method option is invalid; the parameter names it.</exception>
    public static PersonalizationMethod Create(TrainRequest request, PromptTemplateSet? templates) => request.Method switch
    {
        TrainMethod.TextualInversion => TextualInversion(request, templates),
        TrainMethod.DreamBoothLora => DreamBoothLora(request, templates),
        _ => CustomDiffusion(request, templates),
    };

    private static TextualInversion TextualInversion(TrainRequest request, PromptTemplateSet? templates)
    {
        var defaults = new TextualInversionOptions { Token = request.Token };
        return new TextualInversion(defaults with
        {
            Recipe = RecipeOf(request),
            InitializerToken = request.InitToken,
            NumVectors = request.Vectors ?? defaults.NumVectors,
            Templates = templates,
        });
    }

    private static DreamBoothLora DreamBoothLora(TrainRequest request, PromptTemplateSet? templates)
    {
        if (!request.TrainToken && request.InitToken is not null)
        {
            throw new UsageException("--init-token does not apply with --no-train-token (no token is learned; --token is an existing word).");
        }

        var defaults = new DreamBoothLoraOptions { Token = request.Token };
        return new DreamBoothLora(defaults with
        {
            Recipe = RecipeOf(request),
            InitializerToken = request.InitToken,
            Rank = request.Rank ?? defaults.Rank,
            Alpha = request.Alpha,
            TrainFeedForward = request.TrainFeedForward,
            TrainTokenEmbedding = request.TrainToken,
            Templates = templates,
            PriorLossWeight = request.PriorLossWeight ?? defaults.PriorLossWeight,
        });
    }

    private static CustomDiffusion CustomDiffusion(TrainRequest request, PromptTemplateSet? templates)
    {
        var defaults = new CustomDiffusionOptions { ModifierToken = request.Token };
        return new CustomDiffusion(defaults with
        {
            Recipe = RecipeOf(request),
            InitializerToken = request.InitToken ?? defaults.InitializerToken,
            ClassWord = request.Recipe == TrainRecipe.Authors ? request.ClassPrompt : null,
            Templates = templates,
            PriorLossWeight = request.PriorLossWeight ?? defaults.PriorLossWeight,
            RescaleAugmentation = request.Augmentation,
        });
    }

    private static TrainingRecipe RecipeOf(TrainRequest request) =>
        request.Recipe == TrainRecipe.Authors ? TrainingRecipe.Authors : TrainingRecipe.Diffusers;
}
