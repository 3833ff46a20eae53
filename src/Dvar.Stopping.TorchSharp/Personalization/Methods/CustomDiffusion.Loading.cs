using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Loading Custom Diffusion results.</summary>
public sealed partial class CustomDiffusion
{
    /// <summary>
    /// Loads a Custom Diffusion result folder into a pipeline: the cross-attention key/value weights of
    /// <c>pytorch_custom_diffusion_weights.safetensors</c> (copied into <c>attn2.to_k</c>/<c>to_v</c> in the pipeline's dtype) and
    /// every other <c>*.safetensors</c> file of the folder as a token embedding (<c>&lt;new1&gt;.safetensors</c>; see
    /// <see cref="TextualInversion.LoadEmbeddings"/>).
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="folder">The folder <see cref="SaveArtifacts"/> (or diffusers' training script) wrote.</param>
    /// <returns>The placeholders of the loaded tokens (e.g. <c>&lt;new1&gt;</c>), in file-name order.</returns>
    /// <remarks>Everything is read and checked before the pipeline is changed.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or a token already exists.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The weights file does not exist.</exception>
    /// <exception cref="NotSupportedException">The weights exist only as a pickled <c>.bin</c> file, or a token file is a pickle.</exception>
    /// <exception cref="InvalidDataException">
    /// The weights do not fit the UNet (one message lists missing/unexpected keys and shape mismatches), or a token file is invalid.
    /// </exception>
    /// <exception cref="InvalidOperationException">A method with trainable token rows is attached to the pipeline.</exception>
    public static IReadOnlyList<string> LoadWeights(StableDiffusionPipeline pipeline, string folder)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Custom Diffusion folder not found: {folder}");
        }

        var weights = CustomDiffusionWeightsFile.Read(Path.Combine(folder, CustomDiffusionWeightsFile.FileName), pipeline.Unet);
        var embeddings = new List<(string Token, Tensor Rows)>();
        try
        {
            foreach (string file in Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(file) != CustomDiffusionWeightsFile.FileName)
                {
                    embeddings.Add(TokenEmbeddingFile.Read(file, null, pipeline.TextEncoder.Config.HiddenSize));
                }
            }

            var tokenLists = embeddings.Select(e => PlaceholderTokens.Expand(e.Token, checked((int)e.Rows.shape[0]))).ToList();
            tokenLists.ForEach(tokens => OptionChecks.Token(tokens[0], "token"));
            PlaceholderTokens.CheckCanAddFrozen(pipeline, [.. tokenLists.SelectMany(t => t)]);
            CopyWeights(pipeline.Unet, weights);
            for (int i = 0; i < embeddings.Count; i++)
            {
                PlaceholderTokens.AddFrozen(pipeline, tokenLists[i], embeddings[i].Rows);
            }

            return [.. tokenLists.Select(tokens => string.Join(' ', tokens))];
        }
        finally
        {
            embeddings.ForEach(e => e.Rows.Dispose());
            foreach (var tensor in weights.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static void CopyWeights(UNet2DConditionModel unet, Dictionary<string, Tensor> weights)
    {
        using var noGrad = no_grad();
        foreach (var (path, attention) in CustomDiffusionWeightsFile.CrossAttentions(unet))
        {
            foreach (var projection in CustomDiffusionWeightsFile.Projections)
            {
                attention.GetProjection(projection).Weight.copy_(weights[CustomDiffusionWeightsFile.KeyOf(path, projection)]);
            }
        }
    }
}
