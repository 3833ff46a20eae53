using Dvar.Cli.Plotting;
using Dvar.Demo.Metric;
using Dvar.Demo.Output;
using Dvar.Demo.World;
using Dvar.Stopping.IO;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using SkiaSharp;

namespace Dvar.Cli.Demo;

/// <summary>The sample grid of a job: one row of concept photos, then one row per phase (before training, the CLIP-s pick,
/// the DVAR stop, the end of the budget): 8 training-prompt samples, a gap, and 2 samples of each validation prompt, with
/// the rows and the two column groups labelled.</summary>
internal static class DemoGrid
{
    private const int TrainColumns = 8;
    private const int PerValidationPrompt = 2;
    private const int Scale = 3;
    private const int Gap = 3;
    private const int LabelWidth = 150;
    private const int HeaderHeight = 28;

    /// <summary>Gets the phases, in row order, with their labels.</summary>
    public static IReadOnlyList<(string Phase, string Label)> Phases { get; } =
        [("init", "before training"), ("clip-s", "CLIP-s pick"), ("dvar", "DVAR stop"), ("budget", "end of budget")];

    /// <summary>Writes the grid.</summary>
    /// <param name="path">The PNG to write (atomically).</param>
    /// <param name="photos">The concept photos as the trainer sees them.</param>
    /// <param name="samples">The job's samples by phase.</param>
    /// <param name="steps">The step of each phase's parameters, by phase, for the labels.</param>
    public static void Write(string path, ConceptImages photos, DemoJobSamples samples, IReadOnlyDictionary<string, long> steps)
    {
        int validationPrompts = ToyWorld.ValidationPrompts.Count;
        int columns = TrainColumns + 1 + (validationPrompts * PerValidationPrompt);
        var cells = new List<RgbImage?>();
        var labels = new List<string> { "concept photos" };
        using (var all = photos.Gather([.. Enumerable.Range(0, photos.Count).Select(i => (long)i)], new bool[photos.Count]))
        {
            var images = ImageGrid.ToImages(all);
            for (int c = 0; c < columns; c++)
            {
                cells.Add(c < images.Count ? images[c] : null);
            }
        }

        int trainSamples = DemoQualityOptions.Final.TrainSamples;
        int perPrompt = DemoQualityOptions.Final.SamplesPerValidationPrompt;
        foreach (var (phase, label) in Phases)
        {
            if (!samples.Images.TryGetValue(phase, out var batch))
            {
                continue;
            }

            labels.Add(steps.TryGetValue(phase, out long step) ? $"{label} ({step})" : label);
            var images = ImageGrid.ToImages(batch);
            cells.AddRange(images.Take(TrainColumns));
            cells.Add(null);
            for (int p = 0; p < validationPrompts; p++)
            {
                cells.AddRange(images.Skip(trainSamples + (p * perPrompt)).Take(PerValidationPrompt));
            }
        }

        var grid = ImageGrid.FromImages(cells, columns, Scale, Gap);
        using var gridBitmap = grid.ToBitmap();
        using var bitmap = new SKBitmap(new SKImageInfo(grid.Width + LabelWidth, grid.Height + HeaderHeight, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.DrawBitmap(gridBitmap, LabelWidth, HeaderHeight);
            using var font = new SKFont(PlotFonts.Typeface(), 13);
            using var bold = new SKFont(PlotFonts.Typeface(bold: true), 13);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            int cell = (ToyWorld.ImageSize * Scale) + Gap;
            canvas.DrawText("training prompts", LabelWidth + Gap, HeaderHeight - 9, bold, paint);
            canvas.DrawText("new contexts: white background | small | both", LabelWidth + Gap + ((TrainColumns + 1) * cell), HeaderHeight - 9, bold, paint);
            for (int row = 0; row < labels.Count; row++)
            {
                canvas.DrawText(labels[row], 6, HeaderHeight + Gap + (row * cell) + (cell / 2) + 4, font, paint);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }
}
