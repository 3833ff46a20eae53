using System.Text.Json;
using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar train --recipe authors</c> end to end on the tiny pipeline, and the prior-preservation inputs it needs.</summary>
public sealed class TrainRecipeTests
{
    public static TheoryData<string, bool, int> AuthorsRuns => new()
    {
        // method, with class images, templates (the authors' 57; Custom Diffusion's one instance prompt)
        { "textual-inversion", false, 57 },
        { "dreambooth-lora", false, 57 },
        { "custom-diffusion", true, 1 },
    };

    [Theory]
    [MemberData(nameof(AuthorsRuns))]
    public void Train_AuthorsRecipe_TrainsAndRecordsTheRecipeItsTemplatesAndItsClassImages(string method, bool classImages, int templates)
    {
        using var training = new TinyTraining();
        string[] classes = classImages
            ? ["--class-images", ConceptFolder.Write(training.Folder.Combine("class"), count: 2), "--class-prompt", "toy"]
            : [];
        var run = CliRun.Of(training.Args(method, ["--recipe", "authors", "--max-steps", "3", "--window", "50", "--format", "json", .. classes]));

        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        var root = summary.RootElement;
        Assert.Equal("Authors", root.GetProperty("recipe").GetString());
        Assert.Equal(3, root.GetProperty("stepsTrained").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("firingEvaluationStep").ValueKind);
        var captions = root.GetProperty("templates").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.Equal(templates, captions.Count);
        Assert.Equal(classImages, root.GetProperty("run").GetProperty("Data").GetString()!.EndsWith("with class images", StringComparison.Ordinal));
        if (method == "custom-diffusion")
        {
            // The authors' prompt: the template their seed 59 draws, formatted with "<token> <class>".
            Assert.Equal("a photo of one {} toy", Assert.Single(captions));
        }
    }

    [Fact]
    public void Train_CustomDiffusionAuthorsWithoutClassImages_ExitsWithUsageCodeSayingHowToGetThem()
    {
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("custom-diffusion", "--recipe", "authors", "--class-prompt", "toy"));

        run.AssertFails(ExitCodes.Usage, "dvar train custom-diffusion", "--class-images", "--generate-class-images", "--recipe diffusers");
        Assert.False(Directory.Exists(Path.Combine(training.Output, "checkpoints")));
        Assert.False(File.Exists(Path.Combine(training.Output, "training-summary.json")));
    }

    [Fact]
    public void Train_GenerateClassImages_FillsTheFolderWithTheBaseModelThenTrains()
    {
        using var training = new TinyTraining();
        string classes = training.Folder.Combine("generated");
        Directory.CreateDirectory(classes);
        ConceptFolder.Write(classes, count: 1);

        var run = CliRun.Of(training.Args(
            "custom-diffusion", "--recipe", "authors", "--class-images", classes, "--class-prompt", "toy", "--generate-class-images", "3", "--max-steps", "1"));

        Assert.True(run.ExitCode == 0, run.Error);
        // One photo was there: two more are drawn, with seeds 0 and 1, and the photo is kept.
        Assert.Equal(["class-0000.png", "class-0001.png", "image-0.png"], Directory.GetFiles(classes).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("drawing 2 class images of \"toy\"", run.Error, StringComparison.Ordinal);
        Assert.All(Directory.GetFiles(classes, "class-*.png"), f => Assert.True(PngHeader.Size(f).Width > 0, f));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        Assert.EndsWith("with class images", summary.RootElement.GetProperty("run").GetProperty("Data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ClassCaptionFiles_CaptionEachImageAndAMissingOneIsNamed()
    {
        using var training = new TinyTraining();
        string classes = ConceptFolder.Write(training.Folder.Combine("class"), count: 2);
        File.WriteAllText(Path.Combine(classes, "image-0.txt"), "a red toy on a table\n");

        var missing = CliRun.Of(training.Args("dreambooth-lora", "--recipe", "diffusers", "--class-images", classes, "--max-steps", "1"));

        missing.AssertFails(ExitCodes.InputData, "--class-images", "image-1.png", "image-1.txt");

        File.WriteAllText(Path.Combine(classes, "image-1.txt"), "a toy in the grass");
        var run = CliRun.Of(training.Args("dreambooth-lora", "--recipe", "diffusers", "--class-images", classes, "--max-steps", "1", "--overwrite"));

        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(training.Output, "training-summary.json")));
        Assert.EndsWith("with class images", summary.RootElement.GetProperty("run").GetProperty("Data").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_AuthorsInitializerThatIsNoVocabularyEntry_ExitsWithUsageCodeListingEntries()
    {
        using var training = new TinyTraining();
        string[] args = training.Args("textual-inversion", "--recipe", "authors");
        args[Array.IndexOf(args, "toy")] = "statue";

        CliRun.Of(args).AssertFails(ExitCodes.Usage, "--init-token", "'statue' is not an entry", "'statue</w>'");
    }
}
