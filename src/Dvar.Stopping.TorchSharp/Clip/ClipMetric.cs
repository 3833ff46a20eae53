using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Clip;

/// <summary>CLIP as the paper's metric: image features for image-image similarity and the cosine of image and text features for text alignment.</summary>
/// <remarks>
/// <para>Images in [-1, 1] are rounded to 8 bits (as saving a PNG does), preprocessed by <see cref="ClipImageProcessor"/>
/// (Pillow-exact bicubic, centre crop, CLIP normalisation) and encoded by <see cref="ClipModel.ImageFeatures"/>; texts are
/// encoded by <see cref="ClipTokenizer"/> (start token, at most <c>max_position_embeddings − 2</c> tokens, end token, padded
/// with the end token) and <see cref="ClipModel.TextFeatures"/>. Scores are plain cosines in [-1, 1]: no logit scale, no
/// factor 100, no clamp at 0 (unlike torchmetrics' CLIPScore).</para>
/// <para>Runs under <c>no_grad</c> with the model in evaluation mode; owns the model, which it disposes. Not thread-safe.</para>
/// </remarks>
public sealed class ClipMetric : IImageTextMetric, IDisposable
{
    private readonly Device _device;

    /// <summary>Initializes a new instance of the <see cref="ClipMetric"/> class.</summary>
    /// <param name="model">The model (owned: disposed with this metric); switched to evaluation mode.</param>
    /// <param name="processor">The image preprocessing; its output size must be the model's <c>image_size</c>.</param>
    /// <param name="tokenizer">The tokenizer; its vocabulary must fit the model's <c>vocab_size</c>.</param>
    /// <param name="name">The name for reports, e.g. <c>clip-vit-base-patch32</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, the processor's output size differs from the model's image size, or the tokenizer has more ids than the model.</exception>
    public ClipMetric(ClipModel model, ClipImageProcessor processor, ClipTokenizer tokenizer, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        int imageSize = model.Config.VisionConfig.ImageSize;
        if (processor.OutputHeight != imageSize || processor.OutputWidth != imageSize)
        {
            throw new ArgumentException(
                $"The processor produces {processor.OutputHeight}x{processor.OutputWidth} pixels but the model's image_size is {imageSize}.", nameof(processor));
        }

        if (tokenizer.VocabularySize > model.Config.TextConfig.VocabSize)
        {
            throw new ArgumentException(
                $"The tokenizer has {tokenizer.VocabularySize} ids but the model's vocab_size is {model.Config.TextConfig.VocabSize}.", nameof(tokenizer));
        }

        Model = model;
        Processor = processor;
        Tokenizer = tokenizer;
        Name = name;
        model.eval();
        _device = model.parameters().First().device;
    }

    /// <inheritdoc/>
    /// <value>The name given, or for <see cref="FromPretrained"/> <c>clip-</c> and the folder name (e.g. <c>clip-vit-base-patch32</c>).</value>
    public string Name { get; }

    /// <summary>Gets the model.</summary>
    public ClipModel Model { get; }

    /// <summary>Gets the image preprocessing.</summary>
    public ClipImageProcessor Processor { get; }

    /// <summary>Gets the tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>Loads a transformers CLIP folder: the model (<see cref="ClipModel.FromPretrained"/>), <c>preprocessor_config.json</c> and the tokenizer.</summary>
    /// <param name="folder">The model folder, e.g. a download of <c>openai/clip-vit-base-patch32</c>.</param>
    /// <param name="device">The model's device; null for the CPU.</param>
    /// <param name="dtype">The model's parameter dtype. Default float32 (features are returned as float32 in any case).</param>
    /// <param name="name">The name for reports; null for <c>clip-</c> plus the folder name in lower case (the name alone when it starts with <c>clip</c>).</param>
    /// <returns>The metric; the caller owns it.</returns>
    /// <remarks>The tokenizer is read from the folder's <c>vocab.json</c> and <c>merges.txt</c> (which the published CLIP folders
    /// ship) when present, else the CLIP vocabulary built into this library is used (<see cref="ClipTokenizer.CreateDefault"/>).</remarks>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty, or <paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config, the preprocessor config or the weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the weights do not match the config; the message names the file.</exception>
    public static ClipMetric FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var processor = ClipImageProcessor.FromPretrained(folder);
        bool hasVocabulary = File.Exists(Path.Combine(folder, "vocab.json")) && File.Exists(Path.Combine(folder, "merges.txt"));
        var tokenizer = hasVocabulary ? ClipTokenizer.FromPretrained(folder) : ClipTokenizer.CreateDefault();
        var model = ClipModel.FromPretrained(folder, device, dtype);
        try
        {
            return new ClipMetric(model, processor, tokenizer, name ?? DefaultName(folder));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Returns <see cref="ClipModel.ImageFeatures"/> of the preprocessed images as float32 on the images' device.</remarks>
    public Tensor ImageFeatures(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var pixel_values = Processor.PreprocessSigned(images, _device);
        var features = Model.ImageFeatures(pixel_values);
        return features.to(ScalarType.Float32, images.device).MoveToOuterDisposeScope();
    }

    /// <summary>Computes text features (<see cref="ClipModel.TextFeatures"/>) of prompts.</summary>
    /// <param name="texts">The prompts (at least one).</param>
    /// <returns>[n, projection_dim] float32 on the model's device, not normalised; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="texts"/> is empty or holds null.</exception>
    public Tensor TextFeatures(IReadOnlyList<string> texts)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input_ids = Tokenize(texts);
        return Model.TextFeatures(input_ids).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    /// <remarks>Score i is the cosine of the image features of image i and the text features of text i, in [-1, 1], float32 on the images' device.</remarks>
    public Tensor TextAlignment(Tensor images, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(texts);
        if (images.dim() != 4 || images.shape[0] != texts.Count)
        {
            throw new ArgumentException(
                $"images must be [n, 3, H, W] with n = texts.Count ({texts.Count}); got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var image_embeds = nn.functional.normalize(ImageFeatures(images), p: 2, dim: 1);
        var text_embeds = nn.functional.normalize(TextFeatures(texts).to(images.device), p: 2, dim: 1);
        return (image_embeds * text_embeds).sum(1).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => Model.Dispose();

    /// <summary>Encodes prompts to <c>[n, max_position_embeddings]</c> ids on the model's device.</summary>
    private Tensor Tokenize(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("At least one text is needed.", nameof(texts));
        }

        int length = Model.Config.TextConfig.MaxPositionEmbeddings;
        var ids = new long[texts.Count * (long)length];
        for (int row = 0; row < texts.Count; row++)
        {
            string text = texts[row] ?? throw new ArgumentException($"texts[{row}] is null.", nameof(texts));
            var content = Tokenizer.EncodeWithoutSpecialTokens(text);
            int kept = Math.Min(content.Length, length - 2);
            var span = ids.AsSpan(row * length, length);
            span.Fill(Tokenizer.PadTokenId);
            span[0] = Tokenizer.BosTokenId;
            for (int i = 0; i < kept; i++)
            {
                span[i + 1] = content[i];
            }

            span[kept + 1] = Tokenizer.EosTokenId;
        }

        return tensor(ids, [texts.Count, length], ScalarType.Int64, _device);
    }

    private static string DefaultName(string folder)
    {
        string leaf = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))).ToLowerInvariant();
        return leaf.StartsWith("clip", StringComparison.Ordinal) ? leaf : $"clip-{leaf}";
    }
}
