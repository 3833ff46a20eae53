using Dvar.Cli.Tests.Support;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Commands;

/// <summary>Prompts longer than the text encoder reads (77 tokens with start and end for SD) are cut by the tokenizer;
/// <c>generate</c> and <c>train</c> say so on standard error, once, with the count and the limit, and go on.</summary>
public sealed class PromptLengthWarningTests
{
    private static ClipTokenizer Tokenizer() => ClipTokenizer.FromPretrained(Path.Combine(FixturePaths.SdTiny, "tokenizer"));

    /// <summary>A prompt of exactly <paramref name="tokens"/> tokens, checked with the tokenizer itself.</summary>
    private static string PromptOf(ClipTokenizer tokenizer, int tokens)
    {
        string[] words = ["a", "photo", "of", "red", "cat", "on", "the", "green", "hill"];
        string prompt = string.Join(' ', Enumerable.Range(0, tokens).Select(i => words[i % words.Length]));
        Assert.Equal(tokens, tokenizer.EncodeWithoutSpecialTokens(prompt).Length);
        return prompt;
    }

    private static List<string> Warnings(string error) => [.. error.Split('\n').Where(l => l.Contains("warning", StringComparison.Ordinal))];

    [Theory]
    [InlineData("--prompt", 0, false)]
    [InlineData("--prompt", 1, true)]
    [InlineData("--prompt", 20, true)]
    [InlineData("--negative-prompt", 0, false)]
    [InlineData("--negative-prompt", 3, true)]
    public void Generate_PromptAtOrPastTheLimit_WarnsOnlyPastIt(string option, int over, bool warns)
    {
        var tokenizer = Tokenizer();
        int limit = tokenizer.ModelMaxLength - 2;
        using var folder = new TemporaryFolder();
        var args = new List<string> { "generate", "--model", FixturePaths.SdTiny, "--prompt", "a cat", "--out", folder.Combine("x.png"), "--steps", "1", "--threads", "1" };
        if (option == "--prompt")
        {
            args[args.IndexOf("--prompt") + 1] = PromptOf(tokenizer, limit + over);
        }
        else
        {
            args.AddRange([option, PromptOf(tokenizer, limit + over)]);
        }

        var run = CliRun.Of([.. args]);

        Assert.True(run.ExitCode == 0, run.Error);
        var warnings = Warnings(run.Error);
        if (!warns)
        {
            Assert.Empty(warnings);
            return;
        }

        string warning = Assert.Single(warnings);
        Assert.StartsWith("dvar generate: warning:", warning, StringComparison.Ordinal);
        Assert.Contains($"{option} is {limit + over} tokens", warning, StringComparison.Ordinal);
        Assert.Contains($"first {limit} ", warning, StringComparison.Ordinal);
        Assert.Contains($"({tokenizer.ModelMaxLength} ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_TemplateLongerThanTheLimitWithTheToken_WarnsWithTheCaptionsCount()
    {
        var tokenizer = Tokenizer();
        int limit = tokenizer.ModelMaxLength - 2;
        tokenizer.AddTokens(TinyTraining.Token);
        string template = PromptOf(tokenizer, limit) + " {}";
        int count = tokenizer.EncodeWithoutSpecialTokens(template.Replace("{}", TinyTraining.Token, StringComparison.Ordinal)).Length;
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "1", "--templates", template));

        Assert.True(run.ExitCode == 0, run.Error);
        string warning = Assert.Single(Warnings(run.Error));
        Assert.StartsWith("dvar train textual-inversion: warning:", warning, StringComparison.Ordinal);
        Assert.Contains($"is {count} tokens", warning, StringComparison.Ordinal);
        Assert.Contains($"first {limit} ", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ManyVectorsMakeEveryObjectCaptionTooLong_OneLineNamesHowManyAndTheLongest()
    {
        const int vectors = 75;
        var tokenizer = Tokenizer();
        int limit = tokenizer.ModelMaxLength - 2;
        string[] tokens = [TinyTraining.Token, .. Enumerable.Range(1, vectors - 1).Select(i => $"{TinyTraining.Token}_{i}")];
        tokenizer.AddTokens(tokens);
        string placeholder = string.Join(' ', tokens);
        var counts = PromptTemplateSet.AuthorsObject.Templates
            .Select(t => tokenizer.EncodeWithoutSpecialTokens(t.Replace("{}", placeholder, StringComparison.Ordinal)).Length)
            .ToList();
        using var training = new TinyTraining();

        var run = CliRun.Of(training.Args("textual-inversion", "--max-steps", "1", "--vectors", vectors.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(run.ExitCode == 0, run.Error);
        string warning = Assert.Single(Warnings(run.Error));
        Assert.Contains($"{counts.Count(c => c > limit)} of {counts.Count} captions", warning, StringComparison.Ordinal);
        Assert.Contains($"is {counts.Max()} tokens", warning, StringComparison.Ordinal);
        Assert.Contains($" {limit} tokens", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ClassPromptLongerThanTheLimit_Warns()
    {
        var tokenizer = Tokenizer();
        int limit = tokenizer.ModelMaxLength - 2;
        string classPrompt = PromptOf(tokenizer, limit + 5);
        using var training = new TinyTraining();
        string classImages = ConceptFolder.Write(training.Folder.Combine("class"), count: 2);

        var run = CliRun.Of(training.Args("custom-diffusion", "--max-steps", "1", "--class-images", classImages, "--class-prompt", classPrompt));

        Assert.True(run.ExitCode == 0, run.Error);
        string warning = Assert.Single(Warnings(run.Error));
        Assert.StartsWith("dvar train custom-diffusion: warning:", warning, StringComparison.Ordinal);
        Assert.Contains($"--class-prompt is {limit + 5} tokens", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ShortCaptionsAndClassPrompt_GiveNoWarning()
    {
        using var training = new TinyTraining();
        string classImages = ConceptFolder.Write(training.Folder.Combine("class"), count: 2);

        var run = CliRun.Of(training.Args("custom-diffusion", "--max-steps", "1", "--class-images", classImages, "--class-prompt", "a photo of a toy"));

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Empty(Warnings(run.Error));
    }
}
