using System.Text.Json;
using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Loading;

/// <summary>Loads diffusers-format safetensors (or PyTorch zip checkpoint) weights into a module strictly, by state-dict key.</summary>
/// <remarks>
/// Files are resolved as diffusers does: <c>{name}[.{variant}].safetensors</c>, else the sharded
/// <c>{name}[.{variant}].safetensors.index.json</c> (<c>weight_map</c> of key -&gt; shard file in the same folder), else the
/// PyTorch zip checkpoint <c>{name}[.{variant}].bin</c> or its index (see <see cref="ResolveFiles"/>). Every
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
    /// <remarks>
    /// Safetensors first; only when neither <c>{stem}.safetensors</c> nor its index exists, the PyTorch zip checkpoint
    /// <c>{binStem}.bin</c> (or <c>{binStem}.bin.index.json</c>) that older hub models ship instead, read by
    /// <see cref="TorchCheckpointReader"/> (<c>pytorch_model</c> for transformers' <c>model</c>, the same name for diffusers').
    /// </remarks>
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

        // transformers names its pickled weights pytorch_model.bin; diffusers keeps diffusion_pytorch_model.
        string binBase = baseName == "model" ? "pytorch_model" : baseName;
        string bin = Path.Combine(folder, (variant is null ? binBase : $"{binBase}.{variant}") + ".bin");
        if (File.Exists(bin))
        {
            return [bin];
        }

        if (File.Exists(bin + ".index.json"))
        {
            return ReadIndex(bin + ".index.json", folder);
        }

        string present = Directory.Exists(folder)
            ? string.Join(", ", Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(IsWeightsName).Order(StringComparer.Ordinal))
            : "the folder does not exist";
        throw new FileNotFoundException(
            $"{folder}: no weights '{stem}.safetensors', '{stem}.safetensors.index.json' or '{Path.GetFileName(bin)}' (found: {(present.Length == 0 ? "no safetensors files" : present)}).",
            single);

        static bool IsWeightsName(string? name) =>
            name is not null && (name.Contains(".safetensors", StringComparison.Ordinal) || name.Contains(".bin", StringComparison.Ordinal));
    }

    /// <summary>Loads the given files into <paramref name="module"/> (see the type's remarks).</summary>
    /// <param name="module">The module.</param>
    /// <param name="files">One file or the shards of one checkpoint.</param>
    /// <param name="options">Renames and ignored keys.</param>
    /// <exception cref="InvalidDataException">A file is damaged, two stored tensors map to one module key (the message names both), or keys or shapes do not match.</exception>
    public static void LoadFiles(nn.Module module, IReadOnlyList<string> files, WeightsLoadOptions options)
    {
        var readers = new List<SafetensorsReader>();
        var pickled = new List<Tensor>();
        try
        {
            var stored = new Dictionary<string, Stored>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                foreach (var tensor in OpenFile(file, readers, pickled))
                {
                    if (options.IgnoredKeys.Contains(tensor.Name))
                    {
                        continue;
                    }

                    string key = options.Renames.TryGetValue(tensor.Name, out var renamed) ? renamed : tensor.Name;
                    if (!stored.TryAdd(key, tensor))
                    {
                        var first = stored[key];
                        throw new InvalidDataException(
                            $"Two stored tensors load into the module key '{key}': '{first.Name}' in {first.File} and '{tensor.Name}' in {file}; keep one of them.");
                    }
                }
            }

            var targets = module.state_dict();
            Check(targets, stored, files, options);
            using var noGrad = no_grad();
            foreach (var (key, target) in targets)
            {
                var entry = stored[key];
                var raw = entry.Read();
                try
                {
                    using var shaped = raw.reshape(target.shape);
                    using var converted = shaped.to(target.dtype, target.device);
                    target.copy_(converted);
                }
                finally
                {
                    if (entry.ReadIsNew)
                    {
                        raw.Dispose();
                    }
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }

            foreach (var tensor in pickled)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Lists the tensors of one weights file: a safetensors file read lazily, or a PyTorch zip checkpoint read whole.</summary>
    private static IEnumerable<Stored> OpenFile(string file, List<SafetensorsReader> readers, List<Tensor> pickled)
    {
        if (file.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            var tensors = TorchCheckpointReader.ReadStateDict(file);
            pickled.AddRange(tensors.Values);
            return [.. tensors.Select(kv => new Stored(file, kv.Key, kv.Value.shape, () => kv.Value, ReadIsNew: false))];
        }

        var reader = SafetensorsReader.Open(file);
        readers.Add(reader);
        return [.. reader.Header.Tensors.Select(info => new Stored(file, info.Name, info.Shape, () => reader.ReadTensor(info), ReadIsNew: true))];
    }

    private static void Check(
        Dictionary<string, Tensor> targets,
        Dictionary<string, Stored> stored,
        IReadOnlyList<string> files,
        WeightsLoadOptions options)
    {
        var missing = targets.Keys.Where(k => !stored.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stored.Keys.Where(k => !targets.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var wrongShape = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (stored.TryGetValue(key, out var entry) && !ShapesCompatible(entry.Shape, target.shape, options.SingletonReshapeKeys.Contains(key)))
            {
                string storedName = entry.Name == key ? key : $"{entry.Name} (as {key})";
                wrongShape.Add($"{storedName} expected [{string.Join(", ", target.shape)}], got [{string.Join(", ", entry.Shape)}]");
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

    /// <summary>One stored tensor: its file, stored name and shape, and how to get its values.</summary>
    /// <param name="File">The file it is in.</param>
    /// <param name="Name">The stored name.</param>
    /// <param name="Shape">The stored shape.</param>
    /// <param name="Read">Returns the values.</param>
    /// <param name="ReadIsNew">Whether <paramref name="Read"/> returns a new tensor the caller disposes (safetensors), or one the loader owns (a PyTorch checkpoint read whole).</param>
    private sealed record Stored(string File, string Name, IReadOnlyList<long> Shape, Func<Tensor> Read, bool ReadIsNew);
}
