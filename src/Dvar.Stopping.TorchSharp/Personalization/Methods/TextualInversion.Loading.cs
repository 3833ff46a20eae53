using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Loading learned token embeddings into a pipeline.</summary>
public sealed partial class TextualInversion
{
    /// <summary>
    /// Loads a learned token embedding (a Textual Inversion result) into a pipeline as new frozen tokens, like diffusers'
    /// <c>load_textual_inversion</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline; its tokenizer gets the tokens and its text encoder the rows (in the pipeline's dtype).</param>
    /// <param name="path">
    /// A safetensors file: diffusers' <c>{token: [n, hidden]}</c> or <c>{token: [hidden]}</c> (as <see cref="SaveArtifacts"/> and Custom
    /// Diffusion write), or A1111's <c>{"emb_params": [n, hidden]}</c>. Pickled <c>.pt</c>/<c>.bin</c> files are refused.
    /// </param>
    /// <param name="token">The token to use; null for the file's key (diffusers) or the file name without extension (A1111).</param>
    /// <returns>The text to write into prompts: the token, or for n vectors <c>"tok tok_1 ... tok_{n-1}"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the token is invalid or already exists.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="NotSupportedException">The file is a pickle (<c>.pt</c>, <c>.bin</c>, ...).</exception>
    /// <exception cref="InvalidDataException">The file is not one embedding of the text encoder's width; the message names the file, key and shape.</exception>
    /// <exception cref="InvalidOperationException">The text encoder already has trainable token rows (load embeddings before attaching a method).</exception>
    public static string LoadEmbeddings(StableDiffusionPipeline pipeline, string path, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (name, rows) = TokenEmbeddingFile.Read(path, token, pipeline.TextEncoder.Config.HiddenSize);
        using (rows)
        {
            OptionChecks.Token(name, nameof(token));
            var tokens = PlaceholderTokens.Expand(name, checked((int)rows.shape[0]));
            PlaceholderTokens.AddFrozen(pipeline, tokens, rows);
            return string.Join(' ', tokens);
        }
    }
}
