using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Token embedding files: diffusers' <c>{token: [n, hidden]}</c> (or <c>[hidden]</c>) and A1111's <c>emb_params</c> safetensors.</summary>
/// <remarks>Pickled PyTorch files are refused (<see cref="PickleFiles"/>).</remarks>
internal static class TokenEmbeddingFile
{
    /// <summary>The A1111 (stable-diffusion-webui) safetensors key.</summary>
    public const string A1111Key = "emb_params";

    /// <summary>The metadata diffusers writes.</summary>
    public static readonly IReadOnlyDictionary<string, string> Metadata = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>Writes <c>{token: rows}</c> atomically, as float32 on the CPU.</summary>
    /// <param name="path">The file.</param>
    /// <param name="token">The key.</param>
    /// <param name="rows">The embedding: [n, hidden] (Textual Inversion) or [hidden] (Custom Diffusion).</param>
    public static void Write(string path, string token, Tensor rows)
    {
        using var scope = NewDisposeScope();
        SafetensorsFile.Write(path, [new(token, rows.detach().to(ScalarType.Float32, CPU))], Metadata);
    }

    /// <summary>Reads one embedding, checking the format, the width and the values.</summary>
    /// <param name="path">The file.</param>
    /// <param name="token">The token to register it under, or null for the file's (diffusers) or the file name (A1111).</param>
    /// <param name="hiddenSize">The text encoder's width.</param>
    /// <returns>The token and its rows as a float32 CPU tensor [n, hidden] the caller owns.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException">The file is a pickle.</exception>
    /// <exception cref="InvalidDataException">The file is not one embedding of the right width with finite values; the message names file, key and shape.</exception>
    public static (string Token, Tensor Rows) Read(string path, string? token, long hiddenSize)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Embedding file not found: {path}", path);
        }

        PickleFiles.ThrowIfPickle(path);
        var tensors = SafetensorsFile.ReadAll(path);
        try
        {
            var (key, fileToken) = tensors.ContainsKey(A1111Key) ? (A1111Key, Path.GetFileNameWithoutExtension(path))
                : tensors.Count == 1 ? (tensors.Keys.Single(), tensors.Keys.Single())
                : throw new InvalidDataException(
                    $"{path}: expected one tensor {{token: [n, {hiddenSize}]}} (diffusers) or '{A1111Key}' (A1111); found {tensors.Count} keys: {string.Join(", ", tensors.Keys.Take(10))}.");
            var rows = Check(path, key, tensors[key], hiddenSize);
            return (token ?? fileToken, rows);
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static Tensor Check(string path, string key, Tensor stored, long hiddenSize)
    {
        string shape = "[" + string.Join(", ", stored.shape) + "]";
        bool shapeOk = (stored.dim() == 1 && stored.shape[0] == hiddenSize) || (stored.dim() == 2 && stored.shape[0] >= 1 && stored.shape[1] == hiddenSize);
        if (!stored.is_floating_point() || !shapeOk)
        {
            throw new InvalidDataException(
                $"{path}: '{key}' is {stored.dtype} {shape}; expected a floating [n, {hiddenSize}] or [{hiddenSize}] tensor (the text encoder's hidden size is {hiddenSize}).");
        }

        using var scope = NewDisposeScope();
        var rows = stored.to_type(ScalarType.Float32).view(-1, hiddenSize).clone();
        if (!rows.isfinite().all().item<bool>())
        {
            throw new InvalidDataException($"{path}: '{key}' {shape} contains NaN or infinite values.");
        }

        return rows.MoveToOuterDisposeScope();
    }
}
