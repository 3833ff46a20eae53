using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Dino;

/// <summary>The dino-tiny reference (tests/fixtures/dino-tiny, see its README.md) and the dino-vits16 key list.</summary>
internal sealed class DinoFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private DinoFixture(Dictionary<string, Tensor> tensors)
    {
        _tensors = tensors;
    }

    /// <summary>The tiny model folder (config.json, preprocessor_config.json, model.safetensors).</summary>
    public static string Folder => FixturePaths.Get("dino-tiny");

    /// <summary>The number of reference images.</summary>
    public static int ImageCount => 3;

    /// <summary>A stored tensor (owned by this object).</summary>
    public Tensor this[string key] => _tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"cases.safetensors has no '{key}'.");

    public static DinoFixture Load() => new(SafetensorsFile.ReadAll(Path.Combine(Folder, "cases.safetensors")));

    /// <summary>The tolerance cases.json states for an output.</summary>
    public static (double Atol, double Rtol) Tolerance(string output)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")))!["tolerance"]![output]!;
        return (node["atol"]!.GetValue<double>(), node["rtol"]?.GetValue<double>() ?? 0);
    }

    /// <summary>Reference image i as the metric's input: the stored 8-bit image mapped to [-1, 1] (u / 127.5 - 1), float32 [1, 3, H, W].</summary>
    public Tensor Image(int i) => this[$"image_{i}"].to_type(ScalarType.Float32).div(127.5).sub(1);

    /// <summary>The ordered [key, shape] list and counts of facebook/dino-vits16 (tests/fixtures/dino-vits16-structure/keys.json).</summary>
    public static (List<(string Key, long[] Shape)> Keys, long Tensors, long Parameters) Vits16Keys()
    {
        var node = JsonNode.Parse(File.ReadAllText(FixturePaths.Get("dino-vits16-structure", "keys.json")))!["dino-vits16"]!;
        var keys = node["keys"]!.AsArray()
            .Select(k => (k![0]!.GetValue<string>(), k[1]!.AsArray().Select(d => d!.GetValue<long>()).ToArray()))
            .ToList();
        return (keys, node["num_tensors"]!.GetValue<long>(), node["num_parameters"]!.GetValue<long>());
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }
}
