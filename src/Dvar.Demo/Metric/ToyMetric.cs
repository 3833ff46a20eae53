using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using static TorchSharp.torch;

namespace Dvar.Demo.Metric;

/// <summary>The demo's stand-in for CLIP: image features from <see cref="ToyAttributeNet"/>, and as the text score the
/// fraction of the attributes a text names (colour, shape, background, size words of the toy world) that the image shows.</summary>
/// <remarks>CLIP's text score is a cosine between image and text features; a text about a toy picture can only name its
/// attributes, so the stand-in checks them directly. A text that names no attribute scores 1.</remarks>
public sealed class ToyMetric : IImageTextMetric, IDisposable
{
    /// <summary>The weights file of a metric folder.</summary>
    public const string WeightsFile = "model.safetensors";

    private readonly ToyAttributeNet _net;

    /// <summary>Initializes a new instance of the <see cref="ToyMetric"/> class around a loaded network (taking ownership).</summary>
    /// <param name="net">The network, with its weights.</param>
    public ToyMetric(ToyAttributeNet net)
    {
        ArgumentNullException.ThrowIfNull(net);
        _net = net;
        _net.eval();
    }

    /// <inheritdoc/>
    /// <value>Always <c>toy-attributes</c>.</value>
    public string Name => "toy-attributes";

    /// <summary>Loads the metric from a folder holding <c>model.safetensors</c>.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The metric.</returns>
    /// <exception cref="FileNotFoundException">The weights file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is damaged or its tensors do not fit <see cref="ToyAttributeNet"/> (the
    /// message lists the missing, unexpected and wrongly shaped names).</exception>
    public static ToyMetric FromPretrained(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string path = Path.Combine(folder, WeightsFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The metric weights '{path}' are missing.", path);
        }

        var net = new ToyAttributeNet();
        try
        {
            StrictWeights.Load(net, path);
            return new ToyMetric(net);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public Tensor ImageFeatures(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _net.call(Prepare(images)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor TextAlignment(Tensor images, IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var predicted = Predict(images);
        if (texts.Count != predicted.Count)
        {
            throw new ArgumentException($"{texts.Count} texts for {predicted.Count} images; give one text per image.", nameof(texts));
        }

        var scores = new float[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var named = ToyAttributes.Parse(texts[i]);
            scores[i] = (float)named.FractionShownBy(predicted[i]);
        }

        return tensor(scores);
    }

    /// <summary>The attributes the network reads in each image.</summary>
    /// <param name="images">RGB images in [-1, 1], [n, 3, H, W].</param>
    /// <returns>One reading per image.</returns>
    /// <exception cref="ArgumentException">The images are not [n, 3, H, W].</exception>
    public IReadOnlyList<ToyAttributes> Predict(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (color, shape, background, size) = _net.Heads(_net.call(Prepare(images)));
        var c = color.argmax(1).data<long>().ToArray();
        var s = shape.argmax(1).data<long>().ToArray();
        var b = background.argmax(1).data<long>().ToArray();
        var z = size.argmax(1).data<long>().ToArray();
        return [.. Enumerable.Range(0, c.Length).Select(i => new ToyAttributes((ToyColor)c[i], (ToyShape)s[i], (ToyBackground)b[i], (ToySize)z[i]))];
    }

    /// <inheritdoc/>
    public void Dispose() => _net.Dispose();

    private static Tensor Prepare(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.ndim != 4 || images.shape[1] != 3)
        {
            throw new ArgumentException($"images must be [n, 3, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        }

        var x = images.to(CPU).to_type(ScalarType.Float32);
        if (x.shape[2] != ToyWorld.ImageSize || x.shape[3] != ToyWorld.ImageSize)
        {
            x = nn.functional.interpolate(x, [ToyWorld.ImageSize, ToyWorld.ImageSize], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        }

        return x;
    }
}
