using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>
/// diffusers' Custom Diffusion file (<c>pytorch_custom_diffusion_weights.safetensors</c>): for every cross-attention <c>attn2</c>,
/// <c>&lt;attn2 path&gt;.processor.to_k_custom_diffusion.weight</c> and <c>.to_v_custom_diffusion.weight</c> ([inner, cross_attention_dim]),
/// metadata <c>{"format": "pt"}</c>.
/// </summary>
internal static class CustomDiffusionWeightsFile
{
    /// <summary>The file name diffusers writes and loads.</summary>
    public const string FileName = "pytorch_custom_diffusion_weights.safetensors";

    /// <summary>The key projections and value projections Custom Diffusion trains.</summary>
    public static readonly AttentionProjection[] Projections = [AttentionProjection.Key, AttentionProjection.Value];

    /// <summary>The cross-attention modules of a UNet (<c>...attn2</c>) with their paths.</summary>
    /// <param name="unet">The UNet.</param>
    /// <returns>Them, in registration order.</returns>
    public static IReadOnlyList<(string Path, Attention Attention)> CrossAttentions(UNet2DConditionModel unet) =>
        [.. unet.NamedAttentions().Where(a => a.Path.EndsWith(".attn2", StringComparison.Ordinal))];

    /// <summary>The file key of a projection's weight.</summary>
    /// <param name="attentionPath">The <c>attn2</c> path.</param>
    /// <param name="projection">Key or value.</param>
    /// <returns>E.g. <c>down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_k_custom_diffusion.weight</c>.</returns>
    public static string KeyOf(string attentionPath, AttentionProjection projection) =>
        $"{attentionPath}.processor.{(projection == AttentionProjection.Key ? "to_k" : "to_v")}_custom_diffusion.weight";

    /// <summary>Writes the trained projections atomically (float32).</summary>
    /// <param name="path">The file.</param>
    /// <param name="weights">The weights by file key.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> weights)
    {
        using var scope = NewDisposeScope();
        SafetensorsFile.Write(path, [.. weights.Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.detach().to_type(ScalarType.Float32)))], TokenEmbeddingFile.Metadata);
    }

    /// <summary>Reads and checks a file against a UNet's cross-attentions, which must still have plain linear projections.</summary>
    /// <param name="path">The file.</param>
    /// <param name="unet">The UNet.</param>
    /// <returns>The stored weights (CPU, stored dtype) by file key; the caller owns them.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException">Only the pickled <c>.bin</c> form of the file exists.</exception>
    /// <exception cref="InvalidDataException">The file does not fit the UNet: one message lists the missing and unexpected keys and the shape mismatches.</exception>
    public static Dictionary<string, Tensor> Read(string path, UNet2DConditionModel unet)
    {
        string pickled = Path.ChangeExtension(path, ".bin");
        if (!File.Exists(path) && File.Exists(pickled))
        {
            PickleFiles.ThrowIfPickle(pickled);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Custom Diffusion weights not found: {path}", path);
        }

        var header = SafetensorsFile.ReadHeader(path);
        var expected = new Dictionary<string, long[]?>(StringComparer.Ordinal);
        foreach (var (attentionPath, attention) in CrossAttentions(unet))
        {
            foreach (var projection in Projections)
            {
                expected[KeyOf(attentionPath, projection)] = attention.GetProjection(projection) is { Adapter: null } plain ? plain.Weight.shape : null;
            }
        }

        var problems = new LoadProblems();
        problems.Add("missing keys", expected.Keys.Where(k => !header.ByName.ContainsKey(k)));
        problems.Add("unexpected keys", header.Tensors.Select(t => t.Name).Where(k => !expected.ContainsKey(k)));
        problems.Add("projections that are not plain linear layers (Custom Diffusion attached or loaded already)", expected.Where(e => e.Value is null).Select(e => e.Key));
        problems.Add("shape mismatches", header.Tensors
            .Where(t => expected.TryGetValue(t.Name, out var shape) && shape is not null && (!t.Shape.SequenceEqual(shape) || !LoadProblems.IsFloating(t.ScalarType)))
            .Select(t => $"{t.Name} {t.DType} {t.ShapeText}, expected floating [{string.Join(", ", expected[t.Name]!)}]"));
        problems.ThrowIfAny(path, "this UNet");

        return SafetensorsFile.ReadAll(path);
    }
}
