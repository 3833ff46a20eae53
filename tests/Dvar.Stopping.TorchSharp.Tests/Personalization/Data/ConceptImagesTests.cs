using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class ConceptImagesTests
{
    private static readonly ConceptImageOptions Small = new() { Resolution = 16, MinimumSize = 8 };

    [Fact]
    public void Load_Folder_ReturnsImagesInFileNameOrder()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Constant(20, 30, 255, 0, 0).WritePng(folder.Path, "b.png");
        RgbImage.Write(folder.Path, "a.jpg", RgbImage.Constant(40, 30, 0, 255, 0).EncodeJpeg());
        RgbImage.Write(folder.Path, "c.webp", RgbImage.Constant(16, 16, 0, 0, 255).EncodeLosslessWebp());
        File.WriteAllText(Path.Combine(folder.Path, "captions.txt"), "ignored");

        using var images = ConceptImages.Load(folder.Path, Small);

        Assert.Equal(3, images.Count);
        Assert.Equal(16, images.Resolution);
        Assert.Equal(folder.Path, images.Folder);
        Assert.Equal(new[] { "a.jpg", "b.png", "c.webp" }, images.Files.Select(Path.GetFileName));
        using var all = images.Gather([0, 1, 2], [false, false, false]);
        Assert.Equal(new long[] { 3, 3, 16, 16 }, all.shape);
        Assert.Equal(ScalarType.Float32, all.dtype);
        using var means = all.mean([2, 3]).to_type(ScalarType.Float64);
        double[,] expected = { { -1, 1, -1 }, { 1, -1, -1 }, { -1, -1, 1 } };
        for (int i = 0; i < 3; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(expected[i, c], means[i, c].item<double>(), 0.02); // JPEG's error on a flat colour is a level or two
            }
        }
    }

    [Fact]
    public void Gather_ImageAtResolution_IsItsBytesScaledToMinusOneOne()
    {
        // A 16 x 16 image at resolution 16 is not resampled, so every value is diffusers' b / 127.5 - 1 (float64, then float32).
        using var folder = new TemporaryFolder();
        var image = RgbImage.Noise(16, 16, seed: 1);
        image.WritePng(folder.Path, "a.png");

        using var images = ConceptImages.Load(folder.Path, Small);
        using var loaded = images.GetImage(0, flip: false);

        Assert.Equal(new long[] { 3, 16, 16 }, loaded.shape);
        var values = loaded.data<float>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 16; y++)
            {
                for (int x = 0; x < 16; x++)
                {
                    Assert.Equal((float)((image.Pixels[y, x, c] / 127.5) - 1.0), values[(((c * 16) + y) * 16) + x]);
                }
            }
        }
    }

    public static TheoryData<string, int, bool, string> PillowCases => PilCases.All();

    [Theory]
    [MemberData(nameof(PillowCases))]
    public void Load_PillowCase_MatchesDiffusersPreprocessing(string input, int resolution, bool centerCrop, string expectedFile)
    {
        // Pillow's result (PilCases/make_cases.py): convert("RGB") (alpha dropped, grey replicated), centre crop, BICUBIC resize.
        using var folder = new TemporaryFolder();
        File.Copy(Path.Combine(PilCases.Folder, input), Path.Combine(folder.Path, input));
        byte[] expected = File.ReadAllBytes(Path.Combine(PilCases.Folder, expectedFile)); // [y, x, c]

        using var images = ConceptImages.Load(folder.Path, new ConceptImageOptions { Resolution = resolution, CenterCrop = centerCrop, MinimumSize = 1 });
        using var image = images.GetImage(0, flip: false);
        double[] values = TensorPixels.ToDoubles(image); // [c, y, x]

        // Tolerance: one level of 255 at no more than 0.5 % of the values (float32 sums vs Pillow's fixed point near a half).
        int differing = 0;
        for (int c = 0; c < 3; c++)
        {
            for (int p = 0; p < resolution * resolution; p++)
            {
                double level = (values[(c * resolution * resolution) + p] + 1) * 127.5;
                double difference = Math.Abs(level - expected[(p * 3) + c]);
                Assert.True(difference <= 1 + 1e-4, $"{input} at {resolution}: value {p} channel {c} is {level}, Pillow {expected[(p * 3) + c]}");
                differing += difference > 1e-4 ? 1 : 0;
            }
        }

        Assert.True(differing <= expected.Length / 200, $"{differing} of {expected.Length} values differ by one level from Pillow");
    }

    [Fact]
    public void Gather_ResizedNoise_ValuesAreEightBitLevelsWithinMinusOneOne()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(100, 70, seed: 2).WritePng(folder.Path, "a.png");

        using var images = ConceptImages.Load(folder.Path, Small with { CenterCrop = true });
        using var loaded = images.GetImage(0, flip: false);

        foreach (double v in TensorPixels.ToDoubles(loaded))
        {
            Assert.InRange(v, -1.0, 1.0);
            double level = (v + 1) * 127.5;
            Assert.Equal(Math.Round(level), level, 1e-4);
        }
    }

    [Fact]
    public void GetImage_Flip_IsExactHorizontalMirror()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(50, 40, seed: 3).WritePng(folder.Path, "a.png");
        using var images = ConceptImages.Load(folder.Path, Small);

        using var plain = images.GetImage(0, flip: false);
        using var flipped = images.GetImage(0, flip: true);

        var a = plain.data<float>().ToArray();
        var b = flipped.data<float>().ToArray();
        for (int row = 0; row < 3 * 16; row++)
        {
            for (int x = 0; x < 16; x++)
            {
                Assert.Equal(a[(row * 16) + x], b[(row * 16) + 15 - x]);
            }
        }
    }

    [Fact]
    public void Gather_IndicesAndFlips_EachEntryEqualsGetImage()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(30, 20, seed: 4).WritePng(folder.Path, "a.png");
        RgbImage.Noise(20, 30, seed: 5).WritePng(folder.Path, "b.png");
        using var images = ConceptImages.Load(folder.Path, Small);
        long[] indices = [1, 0, 1, 1];
        bool[] flips = [false, true, true, false];

        using var batch = images.Gather(indices, flips);

        Assert.Equal(new long[] { 4, 3, 16, 16 }, batch.shape);
        for (int i = 0; i < indices.Length; i++)
        {
            using var single = images.GetImage((int)indices[i], flips[i]);
            using var entry = batch[i];
            Assert.True(entry.Equals(single), $"batch entry {i} differs from GetImage({indices[i]}, {flips[i]})");
        }
    }

    [Fact]
    public void Load_RotatedJpeg_IsUpright()
    {
        // Stored 32 wide x 48 high with orientation 6 (0th row on the right, 0th column at the top): displayed 48 x 32 with
        // the stored left column along the top. Stored top half red, bottom half blue -> displayed right half red, left blue.
        using var folder = new TemporaryFolder();
        var stored = new RgbImage(32, 48, (y, _, c) => (byte)(y < 24 ? (c == 0 ? 255 : 0) : (c == 2 ? 255 : 0)));
        RgbImage.Write(folder.Path, "a.jpg", ExifSegment.WithOrientation(stored.EncodeJpeg(), 6));

        using var images = ConceptImages.Load(folder.Path, Small);
        using var image = images.GetImage(0, flip: false);

        using var left = image.narrow(2, 0, 6).mean([1, 2]).to_type(ScalarType.Float64);
        using var right = image.narrow(2, 10, 6).mean([1, 2]).to_type(ScalarType.Float64);
        Assert.Equal(new[] { -1.0, -1.0, 1.0 }, left.data<double>().ToArray(), (p, q) => Math.Abs(p - q) < 0.05);
        Assert.Equal(new[] { 1.0, -1.0, -1.0 }, right.data<double>().ToArray(), (p, q) => Math.Abs(p - q) < 0.05);
    }

    [Fact]
    public void Load_MissingFolder_ThrowsDirectoryNotFound()
    {
        using var folder = new TemporaryFolder();
        string missing = Path.Combine(folder.Path, "missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => ConceptImages.Load(missing, Small));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFolder_ThrowsNamingAcceptedExtensions()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<InvalidDataException>(() => ConceptImages.Load(folder.Path, Small));

        Assert.Contains(".webp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CorruptFileAmongGoodOnes_ThrowsNamingTheFile()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(20, 20, seed: 6).WritePng(folder.Path, "a.png");
        string bad = RgbImage.Write(folder.Path, "b.jpg", [0xFF, 0xD8, 0xFF, 0x00, 0x01, 0x02]);

        var error = Assert.Throws<InvalidDataException>(() => ConceptImages.Load(folder.Path, Small));

        Assert.Contains(bad, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TinyImage_ThrowsNamingFileSizeAndMinimum()
    {
        using var folder = new TemporaryFolder();
        string tiny = RgbImage.Constant(100, 20, 0, 0, 0).WritePng(folder.Path, "tiny.png");

        var error = Assert.Throws<InvalidDataException>(() => ConceptImages.Load(folder.Path, new ConceptImageOptions { Resolution = 64 }));

        Assert.Contains(tiny, error.Message, StringComparison.Ordinal);
        Assert.Contains("100x20", error.Message, StringComparison.Ordinal);
        Assert.Contains("minimum of 32", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadOptions_ThrowsBeforeReadingTheFolder()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => ConceptImages.Load("/definitely/not/a/folder", new ConceptImageOptions { Resolution = 100 }));

        Assert.Equal(nameof(ConceptImageOptions.Resolution), error.ParamName);
        Assert.Throws<ArgumentNullException>(() => ConceptImages.Load("/x", null!));
        Assert.Throws<ArgumentException>(() => ConceptImages.Load(string.Empty, Small));
    }

    [Fact]
    public void Load_CancelledToken_ThrowsOperationCanceled()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(20, 20, seed: 7).WritePng(folder.Path, "a.png");

        Assert.Throws<OperationCanceledException>(() => ConceptImages.Load(folder.Path, Small, cancellationToken: new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Load_Progress_ReportsEveryImageInOrder()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(20, 20, seed: 8).WritePng(folder.Path, "b.png");
        RgbImage.Noise(20, 20, seed: 9).WritePng(folder.Path, "a.png");
        var progress = new ListProgress<ConceptImageLoadProgress>();

        using var images = ConceptImages.Load(folder.Path, Small, progress);

        Assert.Equal(
            [new ConceptImageLoadProgress(1, 2, images.Files[0]), new ConceptImageLoadProgress(2, 2, images.Files[1])],
            progress.Reports);
    }

    [Fact]
    public void Gather_BadArguments_ThrowNamingTheProblem()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(20, 20, seed: 10).WritePng(folder.Path, "a.png");
        using var images = ConceptImages.Load(folder.Path, Small);

        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => images.Gather([0, 1], [false, false]));
        Assert.Contains("indices[1] = 1", outOfRange.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => images.GetImage(-1, false));
        Assert.Throws<ArgumentException>(() => images.Gather([0], [false, true]));
        Assert.Throws<ArgumentException>(() => images.Gather([], []));
    }

    [Fact]
    public void Gather_AfterDispose_ThrowsObjectDisposed()
    {
        using var folder = new TemporaryFolder();
        RgbImage.Noise(20, 20, seed: 11).WritePng(folder.Path, "a.png");
        var images = ConceptImages.Load(folder.Path, Small);

        images.Dispose();
        images.Dispose();

        Assert.Throws<ObjectDisposedException>(() => images.GetImage(0, false));
    }
}
