using Dvar.Demo.Metric;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using static TorchSharp.torch;

namespace Dvar.Demo.Tests.Assets;

/// <summary>The toy pipeline and metric model that ship with the tool: they load with the library's own loaders, the
/// tokenizer agrees with CLIP's, and the metric reads fresh renders and the pipeline's samples as the prompts ask.</summary>
public class ShippedModelsTests
{
    private static string AssetsFolder => DemoAssets.DefaultFolder;

    [Fact]
    public void Tokenizer_EveryToyWordIsOneTokenSpelledAsCLIPSpellsIt()
    {
        var toy = ClipTokenizer.FromPretrained(Path.Combine(DemoAssets.PipelineFolder(AssetsFolder), "tokenizer"));
        var clip = ClipTokenizer.CreateDefault();

        foreach (var word in ToyVocabulary.AllWords)
        {
            var tokens = toy.Tokenize(word);
            Assert.Single(tokens);
            Assert.Equal(clip.Tokenize(word), tokens);
        }

        Assert.Equal(toy.Tokenize("a photo of a purple triangle on a white background"), clip.Tokenize("a photo of a purple triangle on a white background"));
    }

    [Fact]
    public void Metric_ReadsFreshRendersOfEveryPair()
    {
        using var metric = ToyMetric.FromPretrained(DemoAssets.MetricFolder(AssetsFolder));
        var random = new Random(12345);
        var scenes = Enumerable.Range(0, 256).Select(_ => ToyWorld.SampleAny(random, (ToyColor)random.Next(6), (ToyShape)random.Next(4))).ToList();
        using var images = Batch(scenes);

        var readings = metric.Predict(images);

        double Accuracy(Func<ToyScene, ToyAttributes, bool> correct) => scenes.Zip(readings).Average(p => correct(p.First, p.Second) ? 1.0 : 0.0);
        Assert.True(Accuracy((s, r) => s.Color == r.Color) >= 0.95, "colour");
        Assert.True(Accuracy((s, r) => s.Shape == r.Shape) >= 0.95, "shape");
        Assert.True(Accuracy((s, r) => s.Background == r.Background) >= 0.95, "background");
        Assert.True(Accuracy((s, r) => s.Size == r.Size) >= 0.95, "size");
    }

    [Fact]
    public void Pipeline_LoadsAsADiffusersFolderAndDrawsWhatTheWordsSay()
    {
        using var pipeline = StableDiffusionPipeline.FromPretrained(DemoAssets.PipelineFolder(AssetsFolder));
        using var metric = ToyMetric.FromPretrained(DemoAssets.MetricFolder(AssetsFolder));
        var pairs = ToyWorld.Seen.Take(12).ToList();
        var prompts = pairs.Select(p => $"a {ToyVocabulary.Word(p.Color)} {ToyVocabulary.Word(p.Shape)}").ToList();

        using var images = pipeline.GenerateBatch(prompts, new GenerationOptions { Steps = 10, GuidanceScale = 4, Seed = 3, Sampler = SamplerKind.Ddim });
        using var signed = (images * 2) - 1;
        var readings = metric.Predict(signed);

        Assert.Equal(ToyWorld.ImageSize, pipeline.DefaultImageSize);
        double both = pairs.Zip(readings).Average(p => p.First.Color == p.Second.Color && p.First.Shape == p.Second.Shape ? 1.0 : 0.0);
        Assert.True(both >= 0.75, $"Only {both:P0} of the samples show the colour and shape their prompt names.");
    }

    private static Tensor Batch(IReadOnlyList<ToyScene> scenes)
    {
        var all = new float[scenes.Count * 3 * 32 * 32];
        for (int i = 0; i < scenes.Count; i++)
        {
            var rgb = ToyRenderer.Render(scenes[i]).Rgb;
            for (int p = 0; p < 32 * 32; p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    all[(i * 3 * 1024) + (c * 1024) + p] = (rgb[(p * 3) + c] / 127.5f) - 1;
                }
            }
        }

        return tensor(all, [scenes.Count, 3, 32, 32]);
    }
}
