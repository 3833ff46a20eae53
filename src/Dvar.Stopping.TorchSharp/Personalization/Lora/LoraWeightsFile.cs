using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tensors;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Lora;

/// <summary>
/// diffusers' UNet LoRA file (<c>pytorch_lora_weights.safetensors</c>): <c>unet.&lt;module path&gt;.lora.down.weight</c> [r, in] and
/// <c>unet.&lt;module path&gt;.lora.up.weight</c> [out, r], metadata <c>{"format": "pt"}</c>, applied as <c>W + scale · up @ down</c>.
/// </summary>
internal static class LoraWeightsFile
{
    /// <summary>The file name diffusers writes and loads.</summary>
    public const string FileName = "pytorch_lora_weights.safetensors";

    private const string Prefix = "unet.";
    private const string DownSuffix = ".lora.down.weight";
    private const string UpSuffix = ".lora.up.weight";

    /// <summary>Writes the updates of LoRA layers atomically, in float32, with each layer's scale folded into <c>up</c> (so scale 1 reproduces them).</summary>
    /// <param name="path">The file.</param>
    /// <param name="layers">The layers by module path.</param>
    public static void Write(string path, IEnumerable<(string Path, LoraLinear Layer)> layers)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (modulePath, layer) in layers)
        {
            tensors.Add(new(Prefix + modulePath + DownSuffix, layer.Lora.Down.detach().to_type(ScalarType.Float32)));
            tensors.Add(new(Prefix + modulePath + UpSuffix, layer.Lora.Up.detach().Times(layer.Scale).to_type(ScalarType.Float32)));
        }

        SafetensorsFile.Write(path, tensors, TokenEmbeddingFile.Metadata);
    }

    /// <summary>Reads and checks a LoRA file against the target layers of a UNet.</summary>
    /// <param name="path">The file.</param>
    /// <param name="targets">The UNet's target layers by module path.</param>
    /// <returns>The float32 CPU (down, up) pair of every module path in the file; the caller owns the tensors.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException">The file is a pickle (e.g. <c>pytorch_lora_weights.bin</c>).</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid safetensors file, or it does not fit the UNet: one message lists every unknown or unsupported key,
    /// every layer missing its <c>down</c> or <c>up</c> half, every layer that already has a LoRA, and every shape mismatch.
    /// </exception>
    public static Dictionary<string, (Tensor Down, Tensor Up)> Read(string path, IReadOnlyDictionary<string, LoraTarget> targets)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"LoRA file not found: {path}", path);
        }

        PickleFiles.ThrowIfPickle(path);
        var header = SafetensorsFile.ReadHeader(path);
        Check(header, targets).ThrowIfAny(path, "this UNet");

        using var reader = SafetensorsReader.Open(path);
        var result = new Dictionary<string, (Tensor Down, Tensor Up)>(StringComparer.Ordinal);
        foreach (var info in header.Tensors.Where(t => t.Name.EndsWith(DownSuffix, StringComparison.Ordinal)))
        {
            string modulePath = info.Name[Prefix.Length..^DownSuffix.Length];
            using var down = reader.ReadTensor(info);
            using var up = reader.ReadTensor(Prefix + modulePath + UpSuffix);
            result.Add(modulePath, (down.to_type(ScalarType.Float32, copy: true), up.to_type(ScalarType.Float32, copy: true)));
        }

        return result;
    }

    private static LoadProblems Check(SafetensorsHeader header, IReadOnlyDictionary<string, LoraTarget> targets)
    {
        var unknown = new List<string>();
        var unsupported = new List<string>();
        var halves = new Dictionary<string, (SafetensorsTensorInfo? Down, SafetensorsTensorInfo? Up)>(StringComparer.Ordinal);
        foreach (var info in header.Tensors)
        {
            string name = info.Name;
            bool isDown = name.EndsWith(DownSuffix, StringComparison.Ordinal);
            bool isUp = name.EndsWith(UpSuffix, StringComparison.Ordinal);
            if (!name.StartsWith(Prefix, StringComparison.Ordinal) || !(isDown || isUp))
            {
                unsupported.Add(name);
                continue;
            }

            string modulePath = name[Prefix.Length..^(isDown ? DownSuffix.Length : UpSuffix.Length)];
            if (!targets.ContainsKey(modulePath))
            {
                unknown.Add(name);
                continue;
            }

            halves.TryGetValue(modulePath, out var pair);
            halves[modulePath] = isDown ? (info, pair.Up) : (pair.Down, info);
        }

        var problems = new LoadProblems();
        problems.Add("unsupported keys (only unet.<module path>.lora.{down,up}.weight are read; text encoder LoRA is not supported)", unsupported);
        problems.Add("unknown UNet module paths", unknown);
        problems.Add("layers missing their lora.up or lora.down weight", halves.Where(h => h.Value.Down is null || h.Value.Up is null).Select(h => h.Key));
        var complete = halves.Where(h => h.Value.Down is not null && h.Value.Up is not null).ToList();
        problems.Add("layers that already have a LoRA", complete.Where(h => targets[h.Key].Projection.Adapter is not null).Select(h => h.Key));
        problems.Add("shape mismatches", complete.Select(h => ShapeProblem(h.Key, h.Value.Down!, h.Value.Up!, targets[h.Key])).OfType<string>());
        if (header.Tensors.Count == 0)
        {
            problems.Add("it holds no LoRA weights");
        }

        return problems;
    }

    private static string? ShapeProblem(string modulePath, SafetensorsTensorInfo down, SafetensorsTensorInfo up, LoraTarget target)
    {
        var linear = target.Projection;
        if (linear.Adapter is not null)
        {
            return null;
        }

        bool ok = down.Shape.Count == 2 && up.Shape.Count == 2 && down.Shape[0] == up.Shape[1] && down.Shape[0] >= 1
            && down.Shape[1] == linear.InFeatures && up.Shape[0] == linear.OutFeatures
            && LoadProblems.IsFloating(down.ScalarType) && LoadProblems.IsFloating(up.ScalarType);
        return ok ? null
            : $"{modulePath}: down {down.DType} {down.ShapeText} and up {up.DType} {up.ShapeText}, expected floating [r, {linear.InFeatures}] and [{linear.OutFeatures}, r]";
    }
}
