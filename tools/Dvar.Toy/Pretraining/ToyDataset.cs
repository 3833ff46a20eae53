using Dvar.Demo.World;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>A set of rendered toy scenes held in memory as bytes, with their attribute labels.</summary>
internal sealed class ToyDataset : IDisposable
{
    private ToyDataset(IReadOnlyList<ToyScene> scenes, Tensor images)
    {
        Scenes = scenes;
        Images = images;
        Colors = tensor(scenes.Select(s => (long)s.Color).ToArray());
        Shapes = tensor(scenes.Select(s => (long)s.Shape).ToArray());
        Backgrounds = tensor(scenes.Select(s => (long)s.Background).ToArray());
        Sizes = tensor(scenes.Select(s => (long)s.Size).ToArray());
    }

    /// <summary>Gets the scenes.</summary>
    public IReadOnlyList<ToyScene> Scenes { get; }

    /// <summary>Gets the images, uint8 [N, 3, 32, 32].</summary>
    public Tensor Images { get; }

    /// <summary>Gets the colour labels [N].</summary>
    public Tensor Colors { get; }

    /// <summary>Gets the shape labels [N].</summary>
    public Tensor Shapes { get; }

    /// <summary>Gets the background labels [N].</summary>
    public Tensor Backgrounds { get; }

    /// <summary>Gets the size labels [N].</summary>
    public Tensor Sizes { get; }

    /// <summary>Gets the number of images.</summary>
    public int Count => Scenes.Count;

    /// <summary>Renders the pretraining set: seen colour-shape pairs only.</summary>
    /// <param name="count">The number of images.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The set.</returns>
    public static ToyDataset Pretraining(int count, int seed)
    {
        var random = new Random(seed);
        var scenes = new ToyScene[count];
        for (int i = 0; i < count; i++)
        {
            var (color, shape) = ToyWorld.Seen[random.Next(ToyWorld.Seen.Count)];
            scenes[i] = ToyWorld.SampleAny(random, color, shape);
        }

        return Render(scenes);
    }

    /// <summary>Renders a set of every colour-shape pair, held-out ones included (what the VAE and the metric model see).</summary>
    /// <param name="count">The number of images.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The set.</returns>
    public static ToyDataset AllPairs(int count, int seed)
    {
        var random = new Random(seed);
        var colors = Enum.GetValues<ToyColor>();
        var shapes = Enum.GetValues<ToyShape>();
        var scenes = new ToyScene[count];
        for (int i = 0; i < count; i++)
        {
            scenes[i] = ToyWorld.SampleAny(random, colors[random.Next(colors.Length)], shapes[random.Next(shapes.Length)]);
        }

        return Render(scenes);
    }

    /// <summary>The images at some indices as floats in [-1, 1].</summary>
    /// <param name="indices">int64 indices [B].</param>
    /// <returns>[B, 3, 32, 32].</returns>
    public Tensor Batch(Tensor indices)
    {
        using var scope = NewDisposeScope();
        return ((Images.index_select(0, indices).to_type(ScalarType.Float32) / 127.5) - 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Images.Dispose();
        Colors.Dispose();
        Shapes.Dispose();
        Backgrounds.Dispose();
        Sizes.Dispose();
    }

    private static ToyDataset Render(ToyScene[] scenes)
    {
        int size = ToyWorld.ImageSize;
        var bytes = new byte[scenes.Length * 3 * size * size];
        Parallel.For(0, scenes.Length, i =>
        {
            var rgb = ToyRenderer.Render(scenes[i]).Rgb;
            int plane = size * size;
            int offset = i * 3 * plane;
            for (int p = 0; p < plane; p++)
            {
                bytes[offset + p] = rgb[p * 3];
                bytes[offset + plane + p] = rgb[(p * 3) + 1];
                bytes[offset + (2 * plane) + p] = rgb[(p * 3) + 2];
            }
        });
        return new ToyDataset(scenes, tensor(bytes, [scenes.Length, 3, size, size]));
    }
}
