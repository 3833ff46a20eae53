using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Dino;

/// <summary>
/// The DINO image similarity of the DVAR authors' <c>dino_scores.py</c>: image features are the CLS token of
/// <c>facebook/dino-vits16</c>'s last hidden state (<c>model(**inputs).last_hidden_state[:, 0, :]</c>, dino_scores.py line 20) of
/// images preprocessed by its <c>ViTImageProcessor</c> (line 19; see <see cref="DinoImageProcessor"/>); the score of two images is
/// the cosine of their features (line 27 averages <c>pairwise_cosine_similarity</c> over all pairs).
/// </summary>
/// <remarks>
/// dino_scores.py as published does not run: <c>get_image_features</c> uses undefined names <c>processor</c>/<c>model</c> and returns
/// nothing, and <c>img_to_img_similarity</c> computes both feature sets from <c>src_images</c>. This class follows the evident intent
/// (the processor and model of lines 14–15, the features of line 20) and leaves the averaging to the caller.
/// </remarks>
public sealed class DinoMetric : IImageMetric, IDisposable
{
    private readonly DinoVitModel _model;

    /// <summary>Creates the metric from a model and its processor; the metric owns the model and puts it in evaluation mode.</summary>
    /// <param name="model">The DINO model.</param>
    /// <param name="processor">Its preprocessing; its size must equal the model's <c>image_size</c>.</param>
    /// <param name="name">The name in reports. Default <c>dino-vits16</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The processor's size differs from the model's image size, or the name is empty.</exception>
    public DinoMetric(DinoVitModel model, DinoImageProcessor processor, string name = "dino-vits16")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (processor.Config.Size != model.Config.ImageSize)
        {
            throw new ArgumentException(
                $"The processor's size ({processor.Config.Size}) must equal the model's image_size ({model.Config.ImageSize}): position embeddings are not interpolated.",
                nameof(processor));
        }

        _model = model;
        _model.eval();
        Processor = processor;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Gets the model.</summary>
    public DinoVitModel Model => _model;

    /// <summary>Gets the preprocessing.</summary>
    public DinoImageProcessor Processor { get; }

    /// <summary>
    /// Loads a transformers ViT folder: <c>config.json</c>, <c>model.safetensors</c> (strictly, see <see cref="DinoVitModel.FromPretrained"/>)
    /// and <c>preprocessor_config.json</c> (when absent, <see cref="DinoProcessorConfig.DinoVits16"/>).
    /// </summary>
    /// <param name="folder">The model folder, e.g. a download of <c>facebook/dino-vits16</c>.</param>
    /// <param name="device">The device of the model; null for the CPU.</param>
    /// <param name="dtype">The dtype of the model. Default float32.</param>
    /// <param name="name">The name in reports. Default <c>dino-vits16</c>.</param>
    /// <returns>The metric; the caller owns it.</returns>
    /// <exception cref="ArgumentException"><paramref name="dtype"/> is not a floating-point type.</exception>
    /// <exception cref="FileNotFoundException">The config or weights file does not exist.</exception>
    /// <exception cref="InvalidDataException">A config is invalid or unsupported, the processor's size is not the model's image size, or the weights do not match; the message names the file.</exception>
    public static DinoMetric FromPretrained(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32, string name = "dino-vits16")
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string processorPath = Path.Combine(folder, "preprocessor_config.json");
        var processorConfig = File.Exists(processorPath) ? ConfigJson.Read<DinoProcessorConfig>(processorPath) : DinoProcessorConfig.DinoVits16;
        DinoImageProcessor processor;
        try
        {
            processor = new DinoImageProcessor(processorConfig);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{processorPath}: {e.Message}", e);
        }

        var model = DinoVitModel.FromPretrained(folder, device, dtype);
        try
        {
            if (processor.Config.Size != model.Config.ImageSize)
            {
                throw new InvalidDataException(
                    $"{processorPath}: size {processor.Config.Size} differs from image_size {model.Config.ImageSize} in config.json; position embeddings are not interpolated.");
            }

            return new DinoMetric(model, processor, name);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Computes DINO features: preprocess, then the CLS token of the last hidden state, without gradients.</summary>
    /// <param name="images">RGB images in [-1, 1], <c>[n, 3, H, W]</c>, any floating dtype, on any device; any size (each is resized to the processor's size).</param>
    /// <returns>Features <c>[n, hidden]</c>, float32, not normalised, on the model's device; the caller owns the tensor.</returns>
    /// <exception cref="ArgumentException">The images are not a floating-point <c>[n, 3, H, W]</c> tensor.</exception>
    public Tensor ImageFeatures(Tensor images)
    {
        DinoImageProcessor.CheckImages(images, nameof(images));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = _model.parameters().First().device;
        var pixelValues = Processor.Preprocess(images).to(device);
        var features = _model.ClsFeatures(pixelValues);
        return features.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the model.</summary>
    public void Dispose() => _model.Dispose();
}
