using static TorchSharp.torch;

namespace Dvar.Cli.Demo;

/// <summary>The images a job sampled to measure quality, by phase (init, budget, clip-s, dvar), for its sample grid.</summary>
internal sealed class DemoJobSamples : IDisposable
{
    private readonly Dictionary<string, Tensor> _images = new(StringComparer.Ordinal);

    /// <summary>Gets the images by phase: the final measurement's training-prompt samples, then its validation-prompt samples,
    /// [n, 3, 32, 32] in [-1, 1].</summary>
    public IReadOnlyDictionary<string, Tensor> Images => _images;

    /// <summary>Keeps a phase's images (taking ownership).</summary>
    /// <param name="phase">The phase.</param>
    /// <param name="images">The images.</param>
    public void Add(string phase, Tensor images)
    {
        if (_images.Remove(phase, out var old))
        {
            old.Dispose();
        }

        _images[phase] = images.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var images in _images.Values)
        {
            images.Dispose();
        }

        _images.Clear();
    }
}
