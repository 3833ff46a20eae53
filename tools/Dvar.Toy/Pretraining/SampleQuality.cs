using Dvar.Demo.Metric;
using Dvar.Demo.World;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>How well a toy pipeline follows its prompts, read by the metric model: for every colour-shape pair, samples
/// of "a &lt;colour&gt; &lt;shape&gt;", and background prompts.</summary>
internal static class SampleQuality
{
    /// <summary>Samples and prints the accuracies.</summary>
    /// <param name="log">Where to print.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="metric">The metric model.</param>
    /// <param name="samplesPerPair">Samples per colour-shape pair.</param>
    /// <param name="guidance">The guidance scale.</param>
    /// <param name="gridPath">Where to save a grid of the samples (one row per pair), or null.</param>
    public static void Report(StageLog log, StableDiffusionPipeline pipeline, ToyAttributeNet metric, int samplesPerPair, double guidance, string? gridPath)
    {
        var prompts = new List<string>();
        var wanted = new List<(ToyColor Color, ToyShape Shape, bool HeldOut)>();
        foreach (var color in Enum.GetValues<ToyColor>())
        {
            foreach (var shape in Enum.GetValues<ToyShape>())
            {
                for (int k = 0; k < samplesPerPair; k++)
                {
                    prompts.Add($"a {ToyVocabulary.Word(color)} {ToyVocabulary.Word(shape)}");
                    wanted.Add((color, shape, ToyWorld.HeldOut.Contains((color, shape))));
                }
            }
        }

        using var scope = NewDisposeScope();
        var images = Generate(pipeline, prompts, guidance);
        var (colorLogits, shapeLogits, _, _) = Classify(metric, images);
        var colors = colorLogits.argmax(1).data<long>().ToArray();
        var shapes = shapeLogits.argmax(1).data<long>().ToArray();
        foreach (bool heldOut in new[] { false, true })
        {
            var rows = Enumerable.Range(0, prompts.Count).Where(i => wanted[i].HeldOut == heldOut).ToArray();
            double colorAcc = rows.Average(i => colors[i] == (long)wanted[i].Color ? 1.0 : 0.0);
            double shapeAcc = rows.Average(i => shapes[i] == (long)wanted[i].Shape ? 1.0 : 0.0);
            double both = rows.Average(i => colors[i] == (long)wanted[i].Color && shapes[i] == (long)wanted[i].Shape ? 1.0 : 0.0);
            log.Write($"{(heldOut ? "held-out" : "seen")} pairs ({rows.Length} samples, guidance {guidance}): colour {colorAcc:F2}  shape {shapeAcc:F2}  both {both:F2}");
        }

        var contextPrompts = new List<string>();
        var contextBackgrounds = new List<ToyBackground>();
        var contextSizes = new List<ToySize>();
        foreach (var background in Enum.GetValues<ToyBackground>())
        {
            foreach (var size in Enum.GetValues<ToySize>())
            {
                for (int k = 0; k < 6; k++)
                {
                    var (color, shape) = ToyWorld.Seen[(k * 5) % ToyWorld.Seen.Count];
                    contextPrompts.Add($"a {ToyVocabulary.Word(size)} {ToyVocabulary.Word(color)} {ToyVocabulary.Word(shape)} {ToyCaption.OnBackground(background)}");
                    contextBackgrounds.Add(background);
                    contextSizes.Add(size);
                }
            }
        }

        var contextImages = Generate(pipeline, contextPrompts, guidance);
        var (_, _, backgroundLogits, sizeLogits) = Classify(metric, contextImages);
        var backgrounds = backgroundLogits.argmax(1).data<long>().ToArray();
        var sizes = sizeLogits.argmax(1).data<long>().ToArray();
        double backgroundAcc = Enumerable.Range(0, contextPrompts.Count).Average(i => backgrounds[i] == (long)contextBackgrounds[i] ? 1.0 : 0.0);
        double sizeAcc = Enumerable.Range(0, contextPrompts.Count).Average(i => sizes[i] == (long)contextSizes[i] ? 1.0 : 0.0);
        log.Write($"context prompts ({contextPrompts.Count} samples): background {backgroundAcc:F2}  size {sizeAcc:F2}");
        if (gridPath is not null)
        {
            Dvar.Demo.Output.ImageGrid.FromBatch(images, columns: samplesPerPair * Enum.GetValues<ToyShape>().Length, scale: 3).SavePng(gridPath);
        }
    }

    /// <summary>Generates one image per prompt, in chunks, as [-1, 1] images.</summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="prompts">The prompts.</param>
    /// <param name="guidance">The guidance scale.</param>
    /// <returns>[n, 3, 32, 32] in [-1, 1].</returns>
    public static Tensor Generate(StableDiffusionPipeline pipeline, IReadOnlyList<string> prompts, double guidance)
    {
        using var scope = NewDisposeScope();
        var chunks = new List<Tensor>();
        for (int start = 0; start < prompts.Count; start += 64)
        {
            var chunk = prompts.Skip(start).Take(64).ToList();
            chunks.Add(pipeline.GenerateBatch(chunk, new GenerationOptions { Steps = 25, GuidanceScale = guidance, Seed = 1000 + start, Sampler = SamplerKind.Ddim }));
        }

        return ((cat(chunks, 0) * 2) - 1).MoveToOuterDisposeScope();
    }

    private static (Tensor Color, Tensor Shape, Tensor Background, Tensor Size) Classify(ToyAttributeNet metric, Tensor images)
    {
        using var noGrad = no_grad();
        return metric.Heads(metric.call(images));
    }
}
