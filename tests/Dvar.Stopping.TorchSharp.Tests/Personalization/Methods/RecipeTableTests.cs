using System.Text.Json.Nodes;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>
/// Each recipe's resolved settings against tables written from the sources, not from the code under test. The authors' values
/// come from tests/fixtures/recipes/authors_recipe.json, which make_fixture.py extracts from their repository (templates.py
/// executed, their seed's random.choice, utils.py's argparse defaults, the README's DVAR command); the rows the script cannot
/// extract cite the line of textual_inversion.py / data.py (commit ab2b765) they come from. The diffusers rows cite
/// diffusers v0.26.3's example scripts.
/// </summary>
public class RecipeTableTests
{
    private static readonly JsonNode Authors = JsonNode.Parse(File.ReadAllText(FixturePaths.Get("recipes", "authors_recipe.json")))!;

    /// <summary>One row per method: the authors' name for it, and what their code does that the fixture does not carry.</summary>
    /// <remarks>
    /// clip: only Custom Diffusion clips, at 1.0 (textual_inversion.py:545-550). flip: data.py's flip_p = 0.5 for every method
    /// (TextualInversionDataset's default; the Custom Diffusion path flips the photo too). classes: with_prior_preservation =
    /// method == 'custom' (textual_inversion.py:51). augmentation: random_rescaling = method == 'custom' (textual_inversion.py:285).
    /// step after stop: the loop evaluates before optimizer.step() of the same iteration and breaks at the next
    /// (textual_inversion.py:417, 474-558). Doubled learning rate with class images: textual_inversion.py:210-211.
    /// </remarks>
    public static TheoryData<string, string, double?, bool, bool, bool, double> AuthorsRows => new()
    {
        { "textual-inversion", "inversion", null, true, false, false, 1 },
        { "dreambooth-lora", "dreambooth", null, true, false, false, 1 },
        { "custom-diffusion", "custom", 1.0, true, true, true, 2 },
    };

    [Theory]
    [MemberData(nameof(AuthorsRows))]
    public void Authors_ResolvedSettings_MatchTheAuthorsCode(
        string method, string theirs, double? clip, bool flip, bool classes, bool augmentation, double priorFactor)
    {
        using var instance = Create(method, TrainingRecipe.Authors);
        var d = instance.Defaults;
        int batch = Authors["train_batch_size"]!.GetValue<int>();

        Assert.Equal(TrainingRecipe.Authors, d.Recipe);
        Assert.Equal(batch, d.BatchSize);
        Assert.Equal(Authors["max_train_steps"]![theirs]!.GetValue<int>(), d.MaxSteps);
        // --scale_lr multiplies by the batch size (textual_inversion.py:206-209); Custom Diffusion then doubles it (210-211).
        double learningRate = Authors["learning_rate"]![theirs]!.GetValue<double>() * batch;
        Assert.Equal(learningRate * priorFactor, d.LearningRateFor(withPriorPreservation: classes), 12);
        Assert.Equal(new DvarOptions { Window = Authors["early_stop_patience"]![theirs]!.GetValue<int>(), Threshold = Authors["early_stop_eps"]![theirs]!.GetValue<double>() }, d.Dvar);
        Assert.Equal(clip, d.MaxGradientNorm);
        Assert.Equal(flip, d.RandomFlip);
        Assert.Equal(Authors["center_crop_in_readme"]!.GetValue<bool>() && !(theirs == "custom" && Authors["center_crop_removed_for_custom"]!.GetValue<bool>()), d.CenterCrop);
        Assert.Equal(classes, d.RequiresClassImages);
        Assert.Equal(augmentation, d.RescaleAugmentation);
        Assert.Equal(Authors["eval_batch_size"]!.GetValue<int>(), d.EvaluationBatchSize);
        Assert.True(d.OptimizerStepAfterStop);
    }

    [Theory]
    [InlineData("textual-inversion")]
    [InlineData("dreambooth-lora")]
    public void Authors_Templates_AreTheirDeduplicatedObjectList(string method)
    {
        using var instance = Create(method, TrainingRecipe.Authors);

        string[] theirs = [.. Authors["object_templates"]!.AsArray().Select(t => t!.GetValue<string>())];
        Assert.Equal(57, theirs.Length);
        Assert.Equal(theirs, instance.Defaults.Templates.Templates);
    }

    [Fact]
    public void Authors_CustomDiffusionPrompt_IsTheTemplateTheirSeedDrawsWithTokenAndClass()
    {
        using var method = new CustomDiffusion(new CustomDiffusionOptions { ModifierToken = "<new1>", ClassWord = "cat statue" });

        // textual_inversion.py:240-246: random.seed(59); template.format(f"{placeholder_token} {class_prompt}").
        string template = Authors["custom_diffusion_template"]!.GetValue<string>();
        Assert.Equal([template.Replace("{}", "<new1> cat statue", StringComparison.Ordinal)], method.Defaults.Templates.Templates.Select(t => t.Replace("{}", "<new1>", StringComparison.Ordinal)));
    }

    [Fact]
    public void Authors_CustomDiffusionWithoutClassWordOrTemplates_ThrowsNamingClassWord()
    {
        var e = Assert.Throws<ArgumentException>(() => new CustomDiffusion(new CustomDiffusionOptions()));

        Assert.Equal(nameof(CustomDiffusionOptions.ClassWord), e.ParamName);
        Assert.Contains("a photo of one <token> <class>", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("textual-inversion")]
    [InlineData("dreambooth-lora")]
    [InlineData("custom-diffusion")]
    public void Authors_DefaultInitializer_IsTheRawVocabularyEntryOfTheirCommand(string method)
    {
        // textual_inversion.py:145 tokenizer.encode([initializer_token]) reads the list as tokens: "ktn" is the entry "ktn".
        string entry = Authors["initializer_token"]!.GetValue<string>();
        using var vocabulary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(FixturePaths.Get("sd-tiny", "tokenizer", "vocab.json")));
        int id = vocabulary.RootElement.GetProperty(entry).GetInt32();
        using var pipeline = TinyPipeline.Load();
        using var instance = Create(method, TrainingRecipe.Authors);

        instance.Attach(pipeline);

        using var row = instance.TrainableParameters[0].Parameter.detach();
        using var table = pipeline.TextEncoder.TokenEmbedding.weight!.detach();
        Assert.True(row[0].Equals(table[id]));
    }

    [Fact]
    public void Authors_InitializerThatIsNoEntry_ThrowsListingEntriesThatExist()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = new TextualInversion(new TextualInversionOptions { Token = "<t>", InitializerToken = "toyz" });

        var e = Assert.Throws<ArgumentException>(() => method.Attach(pipeline));

        Assert.Equal(nameof(TextualInversionOptions.InitializerToken), e.ParamName);
        Assert.Contains("'toyz' is not an entry", e.Message, StringComparison.Ordinal);
        Assert.Null(pipeline.Tokenizer.TokenToId("<t>"));

        // "statue" is only a whole word in CLIP's vocabulary: the message offers the entries that exist.
        using var statue = new TextualInversion(new TextualInversionOptions { Token = "<u>", InitializerToken = "statue" });
        var word = Assert.Throws<ArgumentException>(() => statue.Attach(pipeline));
        Assert.Contains("'statue</w>', 'statues</w>'", word.Message, StringComparison.Ordinal);
    }

    /// <summary>The diffusers recipe: diffusers v0.26.3's example scripts for the data pipeline; the paper's budget.</summary>
    /// <remarks>
    /// clip: train_dreambooth_lora.py and train_custom_diffusion.py default --max_grad_norm 1.0; textual_inversion.py does not
    /// clip. flip: textual_inversion.py's dataset flips with flip_p 0.5; DreamBooth's transforms have no flip; Custom
    /// Diffusion's --hflip defaults to off. centre crop: --center_crop defaults to off in all three. Evaluation batch: the paper's
    /// text (8), as none of diffusers' scripts evaluates L_det.
    /// </remarks>
    public static TheoryData<string, double?, bool> DiffusersRows => new()
    {
        { "textual-inversion", null, true },
        { "dreambooth-lora", 1.0, false },
        { "custom-diffusion", 1.0, false },
    };

    [Theory]
    [MemberData(nameof(DiffusersRows))]
    public void Diffusers_ResolvedSettings_MatchTheExampleScripts(string method, double? clip, bool flip)
    {
        using var instance = Create(method, TrainingRecipe.Diffusers);
        var d = instance.Defaults;

        Assert.Equal(TrainingRecipe.Diffusers, d.Recipe);
        Assert.Equal(clip, d.MaxGradientNorm);
        Assert.Equal(flip, d.RandomFlip);
        Assert.False(d.CenterCrop);
        Assert.False(d.RequiresClassImages);
        // train_custom_diffusion.py builds its dataset with aug=not args.noaug (v0.26.3, line 1015): on unless --noaug.
        Assert.Equal(method == "custom-diffusion", d.RescaleAugmentation);
        Assert.False(d.OptimizerStepAfterStop);
        Assert.Equal(8, d.EvaluationBatchSize);
        if (method != "custom-diffusion")
        {
            // examples/textual_inversion/textual_inversion.py imagenet_templates_small: 27 entries, the first of the authors' list.
            Assert.Equal(27, d.Templates.Count);
            Assert.Equal(Authors["object_templates"]!.AsArray().Take(27).Select(t => t!.GetValue<string>()), d.Templates.Templates);
        }
    }

    [Fact]
    public void Diffusers_TextualInversionWithoutInitializer_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<t>" }));

        Assert.Equal(nameof(TextualInversionOptions.InitializerToken), e.ParamName);
    }

    private static PersonalizationMethod Create(string method, TrainingRecipe recipe) => method switch
    {
        "textual-inversion" => new TextualInversion(new TextualInversionOptions { Recipe = recipe, Token = "<t>", InitializerToken = recipe == TrainingRecipe.Diffusers ? "toy" : null }),
        "dreambooth-lora" => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = recipe, Token = "<t>", InitializerToken = recipe == TrainingRecipe.Diffusers ? "dog" : null }),
        _ => new CustomDiffusion(new CustomDiffusionOptions { Recipe = recipe, ModifierToken = "<t>", ClassWord = "cat" }),
    };
}
