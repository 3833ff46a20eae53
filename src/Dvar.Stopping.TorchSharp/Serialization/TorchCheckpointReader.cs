using System.IO.Compression;
using System.Text;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>
/// Reads the tensors of a PyTorch zip checkpoint (<c>pytorch_model.bin</c>, <c>diffusion_pytorch_model.bin</c>: what
/// <c>torch.save(state_dict, path)</c> writes since PyTorch 1.6) without running any of its pickle.
/// </summary>
/// <remarks>
/// <para>
/// The archive holds <c>{name}/data.pkl</c> (a pickle describing the state dict), one <c>{name}/data/{key}</c> entry per
/// storage, <c>{name}/version</c> and, since PyTorch 2.1, <c>{name}/byteorder</c>. The pickle is read by a restricted
/// unpickler that accepts only <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>,
/// <c>_rebuild_tensor</c>, <c>_rebuild_parameter</c> and the <c>torch.*Storage</c> types; any other global
/// (<c>os.system</c>, <c>builtins.exec</c>, ...) fails with an <see cref="InvalidDataException"/> naming it and the file
/// at the moment it is read, and nothing in the file is ever executed.
/// </para>
/// <para>
/// Accepted: a top-level dict (or <c>OrderedDict</c>) of string keys to tensors, pickle protocol 2 (torch's default) or 4,
/// little-endian data, storages of float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8 or bool, each at
/// most 2 GiB, stored uncompressed (as torch writes them). Every view (offset, sizes, strides) is checked against its
/// storage before any tensor is allocated. Refused: nested checkpoints (<c>{"state_dict": {...}}</c>,
/// <c>{"model": ...}</c>; the message names the key: save the inner state dict), whole pickled modules, the legacy
/// pre-1.6 format (not a zip), big-endian files, and anything else a state dict of tensors does not need.
/// </para>
/// <para>
/// The tensors come back on the CPU in their stored dtype, contiguous and independent of each other (views of one storage,
/// such as tied weights, become separate copies); <c>requires_grad</c> and the state dict's <c>_metadata</c> are dropped.
/// </para>
/// </remarks>
public static class TorchCheckpointReader
{
    private const long MaxPickleBytes = 16L << 20;
    private const long ExtraOutputBytes = 64L << 20;

    /// <summary>Reads every tensor of a PyTorch zip checkpoint.</summary>
    /// <param name="path">The file, e.g. <c>pytorch_model.bin</c>.</param>
    /// <returns>New CPU tensors by name, in the file's order; the caller owns and disposes them.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a torch zip checkpoint of tensors, refers to a global outside the
    /// allow-list, or is damaged; the message names the file and the problem (the global, opcode and offset, the key).</exception>
    public static IReadOnlyDictionary<string, Tensor> ReadStateDict(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"PyTorch checkpoint not found: {path}", path);
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reading PyTorch checkpoints needs a little-endian machine.");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        CheckSignature(stream, path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable zip archive ({e.Message}); is the file truncated?", e);
        }

        using (archive)
        {
            return Read(archive, path, stream.Length);
        }
    }

    private static void CheckSignature(FileStream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == 4 && head is [0x50, 0x4B, 0x03, 0x04])
        {
            return;
        }

        throw new InvalidDataException(read >= 1 && head[0] == 0x80
            ? $"{path}: a bare pickle (the legacy torch.save format from before PyTorch 1.6) is not read; re-save it with a current torch.save or convert it to safetensors."
            : $"{path}: not a PyTorch zip checkpoint (no zip signature).");
    }

    private static OrderedDictionary<string, Tensor> Read(ZipArchive archive, string path, long fileLength)
    {
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            if (!entries.TryAdd(entry.FullName, entry))
            {
                throw new InvalidDataException($"{path}: the archive holds two entries named '{entry.FullName}'.");
            }
        }

        var pickles = entries.Keys.Where(name => name.EndsWith("/data.pkl", StringComparison.Ordinal) && name.IndexOf('/') == name.Length - "/data.pkl".Length).ToList();
        if (pickles.Count != 1)
        {
            throw new InvalidDataException(pickles.Count == 0
                ? $"{path}: the archive has no '<name>/data.pkl'; it is not a torch.save checkpoint."
                : $"{path}: the archive has {pickles.Count} '<name>/data.pkl' entries ({string.Join(", ", pickles)}).");
        }

        string prefix = pickles[0][..^"data.pkl".Length];
        CheckByteOrder(entries, prefix, path);
        string pickleSource = $"{path} ({pickles[0]})";
        var pickle = ReadEntry(entries[pickles[0]], MaxPickleBytes, pickleSource);
        var root = RestrictedUnpickler.Load(pickle, pickleSource);
        var tensors = StateDict(root, path);
        var storages = CheckStorages(tensors, entries, prefix, path, fileLength);
        return Materialize(tensors, storages, path);
    }

    private static void CheckByteOrder(Dictionary<string, ZipArchiveEntry> entries, string prefix, string path)
    {
        if (!entries.TryGetValue(prefix + "byteorder", out var entry))
        {
            return; // written since PyTorch 2.1; older files are little-endian
        }

        string order = Encoding.ASCII.GetString(ReadEntry(entry, 16, $"{path} ({entry.FullName})")).Trim();
        if (order != "little")
        {
            throw new InvalidDataException($"{path}: byteorder is '{order}'; only little-endian checkpoints are read.");
        }
    }

    private static List<(string Name, TensorRef Tensor)> StateDict(object? root, string path)
    {
        if (root is not PickleDict dict)
        {
            throw new InvalidDataException($"{path}: the checkpoint holds {Kind(root)}, not a state dict (a dict of name -> tensor).");
        }

        var tensors = new List<(string, TensorRef)>(dict.Entries.Count);
        foreach (var (key, value) in dict.Entries)
        {
            if (key is not string name)
            {
                throw new InvalidDataException($"{path}: the state dict has the non-string key {key}.");
            }

            if (value is not TensorRef tensor)
            {
                throw new InvalidDataException(value is PickleDict
                    ? $"{path}: '{name}' holds a dict, not a tensor: nested checkpoints ({{\"{name}\": {{...}}}}) are not read; save the inner state dict (torch.save(checkpoint[\"{name}\"], ...)) or convert it to safetensors."
                    : $"{path}: '{name}' holds {Kind(value)}, not a tensor; only state dicts of tensors are read.");
            }

            tensors.Add((name, tensor));
        }

        return tensors;
    }

    private static string Kind(object? value) => value switch
    {
        null => "None",
        PickleDict => "a dict",
        List<object?> => "a list",
        PickleTuple => "a tuple",
        TensorRef => "a tensor",
        string => "a string",
        long or double or bool => "a number",
        _ => "an object",
    };

    private static Dictionary<string, ZipArchiveEntry> CheckStorages(
        List<(string Name, TensorRef Tensor)> tensors,
        Dictionary<string, ZipArchiveEntry> entries,
        string prefix,
        string path,
        long fileLength)
    {
        var storages = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        long storageBytes = 0;
        long outputBytes = 0;
        foreach (var (name, tensor) in tensors)
        {
            var storage = tensor.Storage;
            int size = storage.Type.ElementSize;
            if (!storages.ContainsKey(storage.Key))
            {
                string entryName = $"{prefix}data/{storage.Key}";
                if (!entries.TryGetValue(entryName, out var entry))
                {
                    throw new InvalidDataException($"{path}: tensor '{name}' uses storage '{storage.Key}', but the archive has no '{entryName}'.");
                }

                // torch stores entries uncompressed; requiring that bounds every allocation by the file's size.
                if (entry.CompressedLength != entry.Length || entry.Length > fileLength)
                {
                    throw new InvalidDataException($"{path}: '{entryName}' is compressed or larger than the file; torch.save stores storages uncompressed.");
                }

                if (storage.Numel > entry.Length / size || storage.Numel * size != entry.Length)
                {
                    throw new InvalidDataException(
                        $"{path}: storage '{storage.Key}' is declared as {storage.Numel} {storage.Type.Name} elements ({size} bytes each) but '{entryName}' holds {entry.Length} bytes.");
                }

                if (entry.Length > int.MaxValue)
                {
                    throw new InvalidDataException($"{path}: storage '{storage.Key}' is {entry.Length} bytes; storages over 2 GiB are not supported.");
                }

                storages.Add(storage.Key, entry);
                storageBytes += entry.Length;
            }

            long elements = CheckView(name, tensor, path);
            outputBytes += elements * size;
        }

        // Views may repeat a storage (tied weights), but a small pickle must not expand into a huge allocation.
        if (outputBytes > (4 * storageBytes) + ExtraOutputBytes)
        {
            throw new InvalidDataException($"{path}: the tensors would take {outputBytes} bytes from {storageBytes} bytes of storage; refused.");
        }

        return storages;
    }

    /// <summary>Checks a view against its storage and returns its element count.</summary>
    private static long CheckView(string name, TensorRef tensor, string path)
    {
        long numel = tensor.Storage.Numel;
        string view = $"tensor '{name}' (size [{string.Join(", ", tensor.Shape)}], stride [{string.Join(", ", tensor.Stride)}], offset {tensor.Offset})";
        if (tensor.Offset < 0 || tensor.Shape.Any(s => s < 0) || tensor.Stride.Any(s => s < 0))
        {
            throw new InvalidDataException($"{path}: {view} has a negative size, stride or offset.");
        }

        if (tensor.Shape.Contains(0))
        {
            if (tensor.Offset > numel)
            {
                throw new InvalidDataException($"{path}: {view} starts beyond its storage '{tensor.Storage.Key}' of {numel} elements.");
            }

            return 0;
        }

        // Every size is at least 1 here, so the product only grows: stop once it passes the storage (no overflow).
        Int128 elements = 1;
        Int128 last = tensor.Offset;
        for (int i = 0; i < tensor.Shape.Count && elements <= numel; i++)
        {
            elements *= tensor.Shape[i];
            last += (Int128)(tensor.Shape[i] - 1) * tensor.Stride[i];
        }

        if (elements > numel)
        {
            throw new InvalidDataException($"{path}: {view} has more elements than its storage '{tensor.Storage.Key}' ({numel}); expanded views are not read.");
        }

        if (last >= numel)
        {
            throw new InvalidDataException($"{path}: {view} reaches element {last} of storage '{tensor.Storage.Key}', which has {numel} elements.");
        }

        return (long)elements;
    }

    private static OrderedDictionary<string, Tensor> Materialize(
        List<(string Name, TensorRef Tensor)> tensors,
        Dictionary<string, ZipArchiveEntry> entries,
        string path)
    {
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var result = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in tensors)
            {
                var storage = tensor.Storage;
                if (!storages.TryGetValue(storage.Key, out var flat))
                {
                    flat = empty([storage.Numel], storage.Type.ScalarType);
                    storages.Add(storage.Key, flat);
                    ReadInto(entries[storage.Key], flat, path);
                }

                long[] shape = [.. tensor.Shape];
                using var view = flat.as_strided(shape, [.. tensor.Stride], tensor.Offset);
                var copy = empty(shape, storage.Type.ScalarType);
                result[name] = copy;
                copy.copy_(view);
            }

            return result;
        }
        catch
        {
            foreach (var tensor in result.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
        finally
        {
            foreach (var flat in storages.Values)
            {
                flat.Dispose();
            }
        }
    }

    private static void ReadInto(ZipArchiveEntry entry, Tensor flat, string path)
    {
        try
        {
            using var data = entry.Open();
            data.ReadExactly(flat.bytes);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: '{entry.FullName}' ended early (is the file truncated?).", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: '{entry.FullName}' is damaged ({e.Message}).", e);
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, string source)
    {
        if (entry.Length > limit || entry.CompressedLength > limit)
        {
            throw new InvalidDataException($"{source}: {entry.Length} bytes, more than the {limit} bytes this entry may have.");
        }

        var buffer = new byte[entry.Length];
        try
        {
            using var data = entry.Open();
            data.ReadExactly(buffer);
            return buffer;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{source}: the entry ended early (is the file truncated?).", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: the entry is damaged ({e.Message}).", e);
        }
    }
}
