using System.Text.Json;
using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Loading;

/// <summary>Loads diffusers-format safetensors weights into a module strictly, by state-dict key.</summary>
/// <remarks>
/// Files are resolved as diffusers does: <c>{name}[.{variant}].safetensors</c>, else the sharded
/// <c>{name}[.{variant}].safetensors.index.json</c> (<c>weight_map</c> of key -&gt; shard file in the same folder). Every
/// header is validated and every key and shape compared before any value is copied, so a wrong file fails with one
/// <see cref="InvalidDataException"/> listing the missing, unexpected and wrongly shaped tensors by name and leaves the module
/// untouched. Values of any stored dtype are converted to each module tensor's dtype and device.
/// </remarks>
internal static class ModuleWeights
{
    private const int ListedNames = 10;

    /// <summary>Loads the weights of a component folder (e.g. <c>unet/</c>) into <paramref name="module"/>.</summary>
    /// <param name="module">The module whose state-dict keys are diffusers' names.</param>
    /// <param name="folder">The component folder.</param>
    /// <param name="baseName">The weights file name without extension: <c>diffusion_pytorch_model</c> or <c>model</c>.</param>
    /// <param name="options">Variant, renames and ignored keys.</param>
    /// <exception cref="FileNotFoundException">No weights file of that name and variant exists; the message lists what the folder has.</exception>
    /// <exception cref="InvalidDataException">A file is damaged, or its keys or shapes do not match the module.</exception>
    public static void Load(nn.Module module, string folder, string baseName, WeightsLoadOptions? options = null)
    {
        options ??= new WeightsLoadOptions();
        LoadFiles(module, ResolveFiles(folder, baseName, options.Variant), options);
    }

    /// <summary>Returns the weights files of a component: one file, or the shards named by an index.</summary>
    /// <param name="folder">The component folder.</param>
    /// <param name="baseName">The weights file name without extension.</param>
    /// <param name="variant">The variant, or null.</param>
    /// <returns>The files to read, in order.</returns>
    /// <exception cref="FileNotFoundException">Neither a single file nor an index exists.</exception>
    /// <exception cref="InvalidDataException">The index is not valid.</exception>
    public static IReadOnlyList<string> ResolveFiles(string folder, string baseName, string? variant)
    {
        string stem = variant is null ? baseName : $"{baseName}.{variant}";
        string single = Path.Combine(folder, stem + ".safetensors");
        if (File.Exists(single))
        {
            return [single];
        }

        string index = single + ".index.json";
        if (File.Exists(index))
        {
            return ReadIndex(index, folder);
        }

        string present = Directory.Exists(folder)
            ? string.Join(", ", Directory.EnumerateFiles(folder, "*.safetensors*").Select(Path.GetFileName).Order(StringComparer.Ordinal))
            : "the folder does not exist";
        throw new FileNotFoundException(
            $"{folder}: no weights '{stem}.safetensors' or '{stem}.safetensors.index.json' (found: {(present.Length == 0 ? "no safetensors files" : present)}).",
            single);
    }

    /// <summary>Loads the given files into <paramref name="module"/> (see the type's remarks).</summary>
    /// <param name="module">The module.</param>
    /// <param name="files">One file or the shards of one checkpoint.</param>
    /// <param name="options">Renames and ignored keys.</param>
    /// <exception cref="InvalidDataException">A file is damaged, two stored tensors map to one module key (the message names both), or keys or shapes do not match.</exception>
    public static void LoadFiles(nn.Module module, IReadOnlyList<string> files, WeightsLoadOptions options)
    {
        var readers = new List<SafetensorsReader>();
        try
        {
            var stored = new Dictionary<string, (SafetensorsReader Reader, SafetensorsTensorInfo Info)>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                var reader = SafetensorsReader.Open(file);
                readers.Add(reader);
                foreach (var info in reader.Header.Tensors)
                {
                    if (options.IgnoredKeys.Contains(info.Name))
                    {
                        continue;
                    }

                    string key = options.Renames.TryGetValue(info.Name, out var renamed) ? renamed : info.Name;
                    if (!stored.TryAdd(key, (reader, info)))
                    {
                        var first = stored[key];
                        throw new InvalidDataException(
                            $"Two stored tensors load into the module key '{key}': '{first.Info.Name}' in {first.Reader.Header.Path} and '{info.Name}' in {file}; keep one of them.");
                    }
                }
            }

            var targets = module.state_dict();
            Check(targets, stored, files, options);
            using var noGrad = no_grad();
            foreach (var (key, target) in targets)
            {
                var (reader, info) = stored[key];
                using var raw = reader.ReadTensor(info);
                using var shaped = raw.reshape(target.shape);
                using var converted = shaped.to(target.dtype, target.device);
                target.copy_(converted);
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    private static void Check(
        Dictionary<string, Tensor> targets,
        Dictionary<string, (SafetensorsReader Reader, SafetensorsTensorInfo Info)> stored,
        IReadOnlyList<string> files,
        WeightsLoadOptions options)
    {
        var missing = targets.Keys.Where(k => !stored.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stored.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var wrongShape = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (stored.TryGetValue(key, out var entry) && !ShapesCompatible(entry.Info.Shape, target.shape, options.SingletonReshapeKeys.Contains(key)))
            {
                string storedName = entry.Info.Name == key ? key : $"{entry.Info.Name} (as {key})";
                wrongShape.Add($"{storedName} expected [{string.Join(", ", target.shape)}], got {entry.Info.ShapeText}");
            }
        }

        if (missing.Count == 0 && unexpected.Count == 0 && wrongShape.Count == 0)
        {
            return;
        }

        var message = new System.Text.StringBuilder();
        message.Append(string.Join(", ", files)).Append(": the weights do not match the model.");
        AppendList(message, "missing", missing);
        AppendList(message, "unexpected", unexpected);
        if (wrongShape.Count > 0)
        {
            message.Append($" {wrongShape.Count} with the wrong shape: ").Append(string.Join("; ", wrongShape)).Append('.');
        }

        throw new InvalidDataException(message.ToString());
    }

    private static void AppendList(System.Text.StringBuilder message, string what, List<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        message.Append($" {keys.Count} {what}: ").Append(string.Join(", ", keys.Take(ListedNames)));
        message.Append(keys.Count > ListedNames ? $", ... ({keys.Count - ListedNames} more)." : ".");
    }

    private static bool ShapesCompatible(IReadOnlyList<long> storedShape, long[] targetShape, bool allowSingletonReshape)
    {
        if (storedShape.SequenceEqual(targetShape))
        {
            return true;
        }

        return allowSingletonReshape && Squeeze(storedShape).SequenceEqual(Squeeze(targetShape));

        static IEnumerable<long> Squeeze(IReadOnlyList<long> shape)
        {
            int end = shape.Count;
            while (end > 0 && shape[end - 1] == 1)
            {
                end--;
            }

            return shape.Take(end);
        }
    }

    private static List<string> ReadIndex(string indexPath, string folder)
    {
        try
        {
            using var stream = File.OpenRead(indexPath);
            using var document = JsonDocument.Parse(stream);
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{indexPath}: the index has no 'weight_map' object.");
            }

            var shards = new List<string>();
            foreach (var entry in map.EnumerateObject())
            {
                string? shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
                if (string.IsNullOrEmpty(shard) || shard != Path.GetFileName(shard) || shard is "." or "..")
                {
                    throw new InvalidDataException($"{indexPath}: weight_map[\"{entry.Name}\"] must name a file in the same folder, got {entry.Value.GetRawText()}.");
                }

                string path = Path.Combine(folder, shard);
                if (!shards.Contains(path))
                {
                    if (!File.Exists(path))
                    {
                        throw new InvalidDataException($"{indexPath}: shard '{shard}' (for '{entry.Name}') does not exist.");
                    }

                    shards.Add(path);
                }
            }

            if (shards.Count == 0)
            {
                throw new InvalidDataException($"{indexPath}: the weight_map is empty.");
            }

            return shards;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{indexPath}: the index is not valid JSON ({e.Message}).", e);
        }
    }
}
