using System.Text.Json.Nodes;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>The ordered <c>[key, shape]</c> lists and counts of the full-size SD v1.5 models (tests/fixtures/sd15-structure/keys.json).</summary>
internal static class StructureKeys
{
    public static (IReadOnlyList<(string Key, long[] Shape)> Keys, long Tensors, long Parameters) Read(string model) =>
        Read(FixturePaths.Get("sd15-structure", "keys.json"), model);

    /// <summary>Reads one model's entry of a <c>keys.json</c> (e.g. tests/fixtures/clip-structure/keys.json).</summary>
    public static (IReadOnlyList<(string Key, long[] Shape)> Keys, long Tensors, long Parameters) Read(string keysFile, string model)
    {
        var node = JsonNode.Parse(File.ReadAllText(keysFile))![model]!;
        var keys = node["keys"]!.AsArray()
            .Select(k => (k![0]!.GetValue<string>(), k[1]!.AsArray().Select(d => d!.GetValue<long>()).ToArray()))
            .ToList();
        return (keys, node["num_tensors"]!.GetValue<long>(), node["num_parameters"]!.GetValue<long>());
    }

    /// <summary>A module's state dict as an ordered <c>[key, shape]</c> list.</summary>
    public static List<(string Key, long[] Shape)> Of(nn.Module module) =>
        module.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList();

    /// <summary>Asserts the exact ordered key/shape list and the counts; a failure names the first difference and the missing and unexpected entries.</summary>
    public static void AssertMatches(string model, nn.Module module) =>
        AssertMatches(Read(model), module);

    /// <summary>As <see cref="AssertMatches(string, nn.Module)"/> for an entry read with <see cref="Read(string, string)"/>.</summary>
    public static void AssertMatches((IReadOnlyList<(string Key, long[] Shape)> Keys, long Tensors, long Parameters) expectedEntry, nn.Module module)
    {
        var (expectedKeys, tensors, parameters) = expectedEntry;
        var actualKeys = Of(module);
        var expected = expectedKeys.Select(Describe).ToList();
        var actual = actualKeys.Select(Describe).ToList();
        var firstDifference = actual.Zip(expected).Select((pair, i) => (pair, i)).FirstOrDefault(x => x.pair.First != x.pair.Second);
        Assert.True(
            actual.SequenceEqual(expected),
            $"{actual.Count} tensors vs {expected.Count} expected; first difference at {firstDifference.i}: {firstDifference.pair.First} vs {firstDifference.pair.Second}; " +
            $"missing: {string.Join(", ", expected.Except(actual).Take(10))}; unexpected: {string.Join(", ", actual.Except(expected).Take(10))}");
        Assert.Equal(tensors, actual.Count);
        Assert.Equal(parameters, actualKeys.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b)));
    }

    private static string Describe((string Key, long[] Shape) entry) => $"{entry.Key} [{string.Join(", ", entry.Shape)}]";
}
