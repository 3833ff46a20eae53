using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion;

/// <summary>The ordered <c>[key, shape]</c> lists and counts of the full-size SD v1.5 models (tests/fixtures/sd15-structure/keys.json).</summary>
internal static class StructureKeys
{
    public static (IReadOnlyList<(string Key, long[] Shape)> Keys, long Tensors, long Parameters) Read(string model)
    {
        var node = JsonNode.Parse(File.ReadAllText(FixturePaths.Get("sd15-structure", "keys.json")))![model]!;
        var keys = node["keys"]!.AsArray()
            .Select(k => (k![0]!.GetValue<string>(), k[1]!.AsArray().Select(d => d!.GetValue<long>()).ToArray()))
            .ToList();
        return (keys, node["num_tensors"]!.GetValue<long>(), node["num_parameters"]!.GetValue<long>());
    }

    /// <summary>A module's state dict as an ordered <c>[key, shape]</c> list.</summary>
    public static List<(string Key, long[] Shape)> Of(nn.Module module) =>
        module.state_dict().Select(kv => (kv.Key, kv.Value.shape)).ToList();

    /// <summary>Asserts the exact ordered key/shape list and the counts.</summary>
    public static void AssertMatches(string model, nn.Module module)
    {
        var (expected, tensors, parameters) = Read(model);
        var actual = Of(module);
        Assert.Equal(tensors, actual.Count);
        Assert.Equal(parameters, actual.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b)));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Key == actual[i].Key, $"key {i}: expected {expected[i].Key}, got {actual[i].Key}");
            Assert.True(expected[i].Shape.SequenceEqual(actual[i].Shape), $"{expected[i].Key}: expected [{string.Join(", ", expected[i].Shape)}], got [{string.Join(", ", actual[i].Shape)}]");
        }
    }
}
