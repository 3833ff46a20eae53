using System.Globalization;
using Dvar.Cli.Manifest;
using Dvar.Cli.Tests.Support;
using Dvar.Testing;

namespace Dvar.Cli.Tests.ScaleOut;

/// <summary>Bad manifests and indices: one line naming the file, the line and what is wrong, nothing written.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string, string[]> BadLines => new()
    {
        { "{\"method\": \"textual-inversion\", \"images\": \"x\"", ["line 2", "not valid JSON"] },
        { "[1, 2]", ["line 2", "JSON object"] },
        { "{\"method\": \"textual-inversion\", \"images\": \"x\", \"token\": \"<t>\"}", ["line 2", "'out'"] },
        { "{\"method\": \"textual-inversion\", \"images\": \"x\", \"token\": \"<t>\", \"out\": \"o\", \"seed\": 3}", ["line 2", "unknown field 'seed'", "options"] },
        { "{\"method\": \"textual-inversion\", \"images\": \"x\", \"token\": \"<t>\", \"out\": \"o\", \"options\": {\"seed\": [1]}}", ["line 2", "options.seed"] },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void BadLine_IsAnInputDataErrorNamingTheLine(string line, string[] fragments)
    {
        using var folder = new TemporaryFolder();
        string manifest = folder.Combine("concepts.jsonl");
        File.WriteAllText(manifest, "{\"method\": \"textual-inversion\", \"images\": \"x\", \"token\": \"<t>\", \"out\": \"o\"}\n" + line + "\n");

        var run = CliRun.Of(["train", "--manifest", manifest, "--index", "0"]);

        run.AssertFails(ExitCodes.InputData, [manifest, .. fragments]);
        Assert.Equal(["concepts.jsonl"], FolderSnapshot.Entries(folder.Path));
    }

    [Fact]
    public void EntryWithABadOption_IsAUsageErrorNamingTheLineAndTheOption()
    {
        using var folder = new TemporaryFolder();
        string manifest = folder.Combine("concepts.jsonl");
        File.WriteAllText(manifest, "\n{\"method\": \"textual-inversion\", \"images\": \"x\", \"token\": \"<t>\", \"out\": \"o\", \"options\": {\"max-steps\": \"many\"}}\n");

        var run = CliRun.Of(["train", "--manifest", manifest, "--index", "0", "--model", FixturePaths.SdTiny]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        string last = run.Error.TrimEnd('\n').Split('\n')[^1];
        Assert.Contains("line 2", last, StringComparison.Ordinal);
        Assert.Contains("--max-steps", last, StringComparison.Ordinal);
        Assert.Contains("many", last, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownMethod_IsAUsageErrorNamingTheLine()
    {
        using var folder = new TemporaryFolder();
        string manifest = folder.Combine("concepts.jsonl");
        File.WriteAllText(manifest, "{\"method\": \"textual\", \"images\": \"x\", \"token\": \"<t>\", \"out\": \"o\"}\n");

        var run = CliRun.Of(["train", "--manifest", manifest, "--index", "0"]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("line 1", run.Error, StringComparison.Ordinal);
        Assert.Contains("'textual'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, null, "--index")]
    [InlineData(null, "x1", null, "JOB_COMPLETION_INDEX")]
    [InlineData(3, null, null, "--index 3")]
    [InlineData(null, null, "7", "SLURM_ARRAY_TASK_ID 7")]
    public void Index_MissingMalformedOrOutOfRange_IsAUsageError(int? given, string? jobIndex, string? slurmIndex, string fragment)
    {
        var environment = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = jobIndex, ["SLURM_ARRAY_TASK_ID"] = slurmIndex };

        var e = Assert.Throws<UsageException>(() => ArrayIndex.Resolve(given, name => environment[name], 3, "m.jsonl"));

        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "2", "0", 1, "--index")]
    [InlineData(null, "2", "0", 2, "JOB_COMPLETION_INDEX")]
    [InlineData(null, null, "0", 0, "SLURM_ARRAY_TASK_ID")]
    public void Index_ComesFromTheOptionThenKubernetesThenSlurm(int? given, string? jobIndex, string? slurmIndex, int expected, string source)
    {
        var environment = new Dictionary<string, string?> { ["JOB_COMPLETION_INDEX"] = jobIndex, ["SLURM_ARRAY_TASK_ID"] = slurmIndex };

        var (index, from) = ArrayIndex.Resolve(given, name => environment[name], 3, "m.jsonl");

        Assert.Equal(expected, index);
        Assert.Equal(source, from);
    }

    [Fact]
    public void Entry_BecomesTheArgumentsOfItsMethod()
    {
        using var folder = new TemporaryFolder();
        string manifest = folder.Combine("concepts.jsonl");
        File.WriteAllText(manifest, "{\"method\": \"dreambooth-lora\", \"images\": \"i\", \"token\": \"<t>\", \"out\": \"o\", \"options\": {\"--rank\": 2, \"center-crop\": true, \"seed\": null, \"no-train-token\": false, \"learning-rate\": 1e-3}}\n");

        var entry = Assert.Single(ConceptManifest.Read(manifest));

        Assert.Equal(1, entry.Line);
        Assert.Equal(["dreambooth-lora", "--images", "i", "--token", "<t>", "--out", "o", "--rank", "2", "--center-crop", "--learning-rate", "1e-3"], entry.Arguments);
        Assert.Equal(1e-3, double.Parse(entry.Arguments[^1], CultureInfo.InvariantCulture));
    }
}
