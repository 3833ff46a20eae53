using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline.Reference;
using Dvar.Testing;
using SkiaSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

/// <summary>Generation on the sd-tiny pipeline (32x32 images), against the step-by-step loop of <see cref="NaiveGuidedDdim"/>.</summary>
public partial class StableDiffusionPipelineTests : IClassFixture<TinyPipelineFixture>
{
    private const string Prompt = "a photo of a sks dog on the beach";
    private const double LatentTolerance = 1e-5;

    private readonly StableDiffusionPipeline tiny;

    public StableDiffusionPipelineTests(TinyPipelineFixture fixture)
    {
        tiny = fixture.Pipeline;
    }

    public static TheoryData<GenerationOptions, string> BadOptions => new()
    {
        { new GenerationOptions { Steps = 0 }, nameof(GenerationOptions.Steps) },
        { new GenerationOptions { Steps = 1001 }, nameof(GenerationOptions.Steps) },
        { new GenerationOptions { GuidanceScale = -0.5 }, nameof(GenerationOptions.GuidanceScale) },
        { new GenerationOptions { GuidanceScale = double.NaN }, nameof(GenerationOptions.GuidanceScale) },
        { new GenerationOptions { GuidanceScale = double.PositiveInfinity }, nameof(GenerationOptions.GuidanceScale) },
        { new GenerationOptions { Width = 36 }, nameof(GenerationOptions.Width) },
        { new GenerationOptions { Height = 0 }, nameof(GenerationOptions.Height) },
        { new GenerationOptions { Height = -8 }, nameof(GenerationOptions.Height) },
        { new GenerationOptions { NumImages = 0 }, nameof(GenerationOptions.NumImages) },
        { new GenerationOptions { NegativePrompt = null! }, nameof(GenerationOptions.NegativePrompt) },
        { new GenerationOptions { Sampler = (SamplerKind)7 }, nameof(GenerationOptions.Sampler) },
    };

    [Fact]
    public void Generate_ThreeGuidedSteps_MatchesNaiveLoop()
    {
        var options = new GenerationOptions { Steps = 3, GuidanceScale = 7.5, Seed = 1234, NumImages = 2, NegativePrompt = "blurry", Sampler = SamplerKind.Ddim };

        var images = tiny.Generate(Prompt, options);

        using var expected = NaiveGuidedDdim.Generate(tiny, Prompt, "blurry", 3, 7.5, 1234, 2, 32, 32);
        AssertImagesEqual(NaiveGuidedDdim.ToBytes(expected), images);
    }

    [Fact]
    public void DenoiseLatents_FourGuidedSteps_MatchesNaiveLoop()
    {
        using var latents = NaiveGuidedDdim.InitialLatents(7, 2, 16, 16);
        using var conditioning = NaiveGuidedDdim.Conditioning(tiny, Prompt, string.Empty, 2, guided: true);

        using var actual = tiny.DenoiseLatents(latents, conditioning, 4, 5.0, SamplerKind.Ddim);

        using var expected = NaiveGuidedDdim.Denoise(tiny, latents, conditioning, 4, 5.0);
        TensorAssert.Close(actual, expected, LatentTolerance, LatentTolerance, "x_0");
    }

    [Fact]
    public void DenoiseLatents_GuidedWithoutUnconditionalRows_ThrowsNamingTheEmbeddings()
    {
        using var latents = NaiveGuidedDdim.InitialLatents(7, 2, 16, 16);
        using var conditioning = NaiveGuidedDdim.Conditioning(tiny, Prompt, string.Empty, 2, guided: false);

        var e = Assert.Throws<ArgumentException>(() => tiny.DenoiseLatents(latents, conditioning, 2, 7.5));

        Assert.Equal("promptEmbeddings", e.ParamName);
        Assert.Contains("[2n = 4, L, hidden]", e.Message);
    }

    [Fact]
    public void DecodeLatents_Latents_MatchNaiveDecode()
    {
        using var latents = NaiveGuidedDdim.InitialLatents(3, 2, 16, 16);

        using var actual = tiny.DecodeLatents(latents);

        using var expected = NaiveGuidedDdim.Decode(tiny, latents);
        TensorAssert.Close(actual, expected, LatentTolerance, LatentTolerance, "image");
        Assert.True(actual.ge(0).all().item<bool>() && actual.le(1).all().item<bool>(), "images must lie in [0, 1]");
    }

    [Fact]
    public void EncodePrompts_Prompts_MatchTextEncoderOfTokenIds()
    {
        using var actual = tiny.EncodePrompts(["", Prompt]);

        using var ids = tiny.Tokenizer.EncodeToTensor(["", Prompt]);
        using var noGrad = no_grad();
        using var expected = tiny.TextEncoder.forward(ids);
        Assert.True(actual.Equals(expected));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.0)]
    public void Generate_GuidanceAtMostOne_EqualsConditionalOnlyLoop(double guidance)
    {
        var options = new GenerationOptions { Steps = 2, GuidanceScale = guidance, Seed = 99, NegativePrompt = "ignored", Sampler = SamplerKind.Ddim };

        var images = tiny.Generate(Prompt, options);

        using var expected = NaiveGuidedDdim.Generate(tiny, Prompt, "ignored", 2, null, 99, 1, 32, 32);
        AssertImagesEqual(NaiveGuidedDdim.ToBytes(expected), images);
    }

    [Fact]
    public void Generate_SameSeed_GivesIdenticalImages()
    {
        var options = new GenerationOptions { Steps = 2, Seed = 5 };

        var first = tiny.Generate(Prompt, options);
        var second = tiny.Generate(Prompt, options);

        Assert.True(first[0].Rgb.Span.SequenceEqual(second[0].Rgb.Span));
    }

    [Fact]
    public void Generate_DifferentSeeds_GiveDifferentImages()
    {
        var first = tiny.Generate(Prompt, new GenerationOptions { Steps = 2, Seed = 5 });
        var second = tiny.Generate(Prompt, new GenerationOptions { Steps = 2, Seed = 6 });

        Assert.False(first[0].Rgb.Span.SequenceEqual(second[0].Rgb.Span));
    }

    [Fact]
    public void Generate_EmptyPrompt_GeneratesDefaultSizeImage()
    {
        var image = Assert.Single(tiny.Generate(string.Empty, new GenerationOptions { Steps = 1 }));

        Assert.Equal(32, image.Width);
        Assert.Equal(32, image.Height);
        Assert.Equal(32 * 32 * 3, image.Rgb.Length);
    }

    [Fact]
    public void Generate_NonSquareSize_MatchesNaiveLoopAtThatSize()
    {
        var options = new GenerationOptions { Steps = 2, Width = 48, Height = 24, Seed = 11, Sampler = SamplerKind.Ddim };

        var image = Assert.Single(tiny.Generate(Prompt, options));

        Assert.Equal((48, 24), (image.Width, image.Height));
        using var expected = NaiveGuidedDdim.Generate(tiny, Prompt, string.Empty, 2, 7.5, 11, 1, 24, 48);
        AssertImagesEqual(NaiveGuidedDdim.ToBytes(expected), [image]);
    }

    [Fact]
    public void Generate_Float64VaeBesideFloat32Unet_MatchesFloat32PipelineUpToRounding()
    {
        using var mixed = new StableDiffusionPipeline(
            ClipTokenizer.FromPretrained(FixturePaths.Get("sd-tiny", "tokenizer")),
            ClipTextModel.FromPretrained(FixturePaths.Get("sd-tiny", "text_encoder")),
            AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae"), dtype: ScalarType.Float64),
            UNet2DConditionModel.FromPretrained(FixturePaths.Get("sd-tiny", "unet")),
            DdpmScheduler.FromPretrained(FixturePaths.Get("sd-tiny", "scheduler")));
        var options = new GenerationOptions { Steps = 2, Seed = 3 };

        var image = Assert.Single(mixed.Generate(Prompt, options)).Rgb.ToArray();

        // The same float32 latents decoded in float64 instead of float32: a byte may move by one across a rounding boundary.
        var plain = Assert.Single(tiny.Generate(Prompt, options)).Rgb.ToArray();
        Assert.True(image.Zip(plain, (a, b) => Math.Abs(a - b)).Max() <= 1);
    }

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Generate_BadOption_ThrowsNamingTheOption(GenerationOptions options, string name)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => tiny.Generate(Prompt, options));

        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void Generate_NullPrompt_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => tiny.Generate(null!));
    }

    [Fact]
    public void Generate_Progress_ReportsEveryStepInOrderWithItsTimestep()
    {
        var progress = new ListProgress<GenerationProgress>();

        tiny.Generate(Prompt, new GenerationOptions { Steps = 4, Sampler = SamplerKind.Ddim }, progress);

        var expected = NaiveGuidedDdim.Timesteps(tiny.Scheduler.Config, 4).Select((t, i) => new GenerationProgress(i + 1, 4, t));
        Assert.Equal(expected, progress.Reports);
        Assert.Equal([751, 501, 251, 1], progress.Reports.Select(r => r.Timestep));
    }

    [Fact]
    public void Generate_CancelledAfterSecondStep_ThrowsBeforeTheThird()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new ListProgress<GenerationProgress>(p =>
        {
            if (p.Step == 2)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => tiny.Generate(Prompt, new GenerationOptions { Steps = 5 }, progress, cancellation.Token));

        Assert.Equal([1, 2], progress.Reports.Select(r => r.Step));
    }

    [Fact]
    public void Generate_CancelledBeforeStart_ThrowsWithoutReporting()
    {
        var progress = new ListProgress<GenerationProgress>();

        Assert.ThrowsAny<OperationCanceledException>(() => tiny.Generate(Prompt, new GenerationOptions { Steps = 2 }, progress, new CancellationToken(canceled: true)));

        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void Generate_Repeated_KeepsLiveTensorCountFlat()
    {
        var options = new GenerationOptions { Steps = 10, NumImages = 2 };

        LiveTensors.AssertNoGrowth(5, () => tiny.Generate(Prompt, options));
    }

    [Fact]
    public void SavePng_GeneratedImage_DecodesToTheSameSizeAndPixels()
    {
        using var dir = new TemporaryFolder();
        var image = Assert.Single(tiny.Generate(Prompt, new GenerationOptions { Steps = 2, Width = 40, Height = 24 }));
        string path = Path.Combine(dir.Path, "sample.png");

        image.SavePng(path);

        using var decoded = SKBitmap.Decode(path);
        Assert.Equal((40, 24), (decoded.Width, decoded.Height));
        var rgb = image.Rgb.Span;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                var pixel = decoded.GetPixel(x, y);
                int at = ((y * image.Width) + x) * 3;
                Assert.True(
                    pixel.Red == rgb[at] && pixel.Green == rgb[at + 1] && pixel.Blue == rgb[at + 2] && pixel.Alpha == 255,
                    $"pixel ({x}, {y}): file {pixel}, image ({rgb[at]}, {rgb[at + 1]}, {rgb[at + 2]})");
            }
        }

        Assert.Equal(["sample.png"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SavePng_MissingFolder_ThrowsAndWritesNothing()
    {
        using var dir = new TemporaryFolder();
        var image = Assert.Single(tiny.Generate(Prompt, new GenerationOptions { Steps = 1 }));

        Assert.Throws<DirectoryNotFoundException>(() => image.SavePng(Path.Combine(dir.Path, "absent", "sample.png")));

        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    /// <summary>Asserts that images equal the reference bytes exactly: the pipeline runs the reference's operations in the same order.</summary>
    private static void AssertImagesEqual(byte[][] expected, IReadOnlyList<GeneratedImage> actual)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            var bytes = actual[i].Rgb.ToArray();
            Assert.Equal(expected[i].Length, bytes.Length);
            int differing = expected[i].Zip(bytes, (e, a) => e != a).Count(d => d);
            int worst = expected[i].Zip(bytes, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(differing == 0, $"image {i}: {differing} of {bytes.Length} bytes differ from the naive loop, by up to {worst}");
        }

        Assert.True(expected.Zip(actual).Any(pair => pair.First.Distinct().Count() > 1), "the reference images are flat; the comparison would prove nothing");
    }
}
