using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>One component's reference cases: <c>cases.json</c> (names, tolerances) and the tensors of <c>cases.safetensors</c>.</summary>
internal sealed class ReferenceCases : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;

    private ReferenceCases(JsonObject document, Dictionary<string, Tensor> tensors)
    {
        Document = document;
        _tensors = tensors;
    }

    /// <summary>The parsed cases.json.</summary>
    public JsonObject Document { get; }

    /// <summary>Reads <c>tests/fixtures/sd-tiny/{component}/cases.*</c>.</summary>
    public static ReferenceCases Load(string component)
    {
        var document = JsonNode.Parse(File.ReadAllText(FixturePaths.Get("sd-tiny", component, "cases.json")))!.AsObject();
        return new ReferenceCases(document, SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", component, "cases.safetensors")));
    }

    /// <summary>Reads <c>cases.json</c> and <c>cases.safetensors</c> of a fixture folder (e.g. <c>tests/fixtures/clip-tiny</c>).</summary>
    public static ReferenceCases LoadFolder(string folder)
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "cases.json")))!.AsObject();
        return new ReferenceCases(document, SafetensorsFile.ReadAll(Path.Combine(folder, "cases.safetensors")));
    }

    /// <summary>The names of every case, in file order.</summary>
    public static IReadOnlyList<string> Names(string component)
    {
        var document = JsonNode.Parse(File.ReadAllText(FixturePaths.Get("sd-tiny", component, "cases.json")))!;
        return document["cases"]!.AsArray().Select(item => item!["name"]!.GetValue<string>()).ToList();
    }

    /// <summary>The case object of that name.</summary>
    public JsonObject Case(string name) =>
        Document["cases"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    /// <summary>The tolerance stated for a case.</summary>
    public (double Atol, double Rtol) Tolerance(string name) => ReadTolerance(Case(name)["tolerance"]!);

    /// <summary>The tolerance a case states for float32 compute: <c>tolerance_fp32_compute</c> if present, else <c>tolerance</c>.</summary>
    public (double Atol, double Rtol) Fp32Tolerance(string name) =>
        ReadTolerance(Case(name)["tolerance_fp32_compute"] ?? Case(name)["tolerance"]!);

    /// <summary>The names of a case's outputs (keys of its <c>outputs</c> object).</summary>
    public IReadOnlyList<string> Outputs(string name) => Case(name)["outputs"]!.AsObject().Select(kv => kv.Key).ToList();

    /// <summary>A stored tensor (owned by this object).</summary>
    public Tensor this[string key] => _tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"cases.safetensors has no '{key}'.");

    public void Dispose()
    {
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
    }

    private static (double Atol, double Rtol) ReadTolerance(JsonNode tolerance) =>
        (tolerance["atol"]!.GetValue<double>(), tolerance["rtol"]!.GetValue<double>());
}
