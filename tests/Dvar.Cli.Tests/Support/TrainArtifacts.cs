using System.Text.Json;

namespace Dvar.Cli.Tests.Support;

/// <summary>Compares what two Textual Inversion runs left in their folders: the embedding byte for byte, the history,
/// and the summary's steps and stop.</summary>
internal static class TrainArtifacts
{
    public static void AssertSame(string expectedFolder, string actualFolder)
    {
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(expectedFolder, "learned_embeds.safetensors")),
            File.ReadAllBytes(Path.Combine(actualFolder, "learned_embeds.safetensors")));
        Assert.Equal(
            File.ReadAllText(Path.Combine(expectedFolder, "history.csv")),
            File.ReadAllText(Path.Combine(actualFolder, "history.csv")));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(expectedFolder, "training-summary.json")));
        using var actual = JsonDocument.Parse(File.ReadAllText(Path.Combine(actualFolder, "training-summary.json")));
        foreach (string key in new[] { "stepsTrained", "stopReason", "finalDeterministicLoss", "run" })
        {
            Assert.True(
                JsonElement.DeepEquals(expected.RootElement.GetProperty(key), actual.RootElement.GetProperty(key)),
                $"training-summary.json's {key}: {expected.RootElement.GetProperty(key)} expected, {actual.RootElement.GetProperty(key)} found");
        }
    }

    /// <summary>The arguments with the value of <c>--out</c> replaced.</summary>
    public static string[] WithOut(string[] args, string output)
    {
        string[] copy = [.. args];
        copy[Array.IndexOf(copy, "--out") + 1] = output;
        return copy;
    }
}
