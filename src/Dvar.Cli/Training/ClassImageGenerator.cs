using System.Globalization;
using Dvar.Cli.Input;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Training;

/// <summary>Draws class images for prior preservation with the base model before training (<c>--generate-class-images N</c>),
/// as diffusers' DreamBooth script does when the class folder holds too few.</summary>
/// <remarks>The authors retrieve real class photos from LAION with their captions (clip-retrieval, not available offline);
/// generated images are the offline substitute. Image <c>class-NNNN.png</c> is drawn from the class prompt with seed NNNN and
/// the sampler defaults (50 steps, guidance 7.5, the folder's scheduler) at the training resolution, so a folder filled in two
/// sessions is the same as one filled at once. Each file is written atomically; images already in the folder count and are kept.</remarks>
internal static class ClassImageGenerator
{
    /// <summary>The most images one run may ask for.</summary>
    public const int MaxImages = 10_000;

    /// <summary>Fills a folder up to <paramref name="count"/> images.</summary>
    /// <param name="pipeline">The base pipeline (before any method is attached).</param>
    /// <param name="folder">The class image folder; created when missing.</param>
    /// <param name="prompt">The class prompt.</param>
    /// <param name="count">The number of images the folder should hold.</param>
    /// <param name="resolution">The training resolution, or null for the model's.</param>
    /// <param name="error">Standard error, for progress.</param>
    /// <param name="command">The command's name, for messages.</param>
    /// <param name="cancellationToken">Checked before each image.</param>
    /// <returns>The number of images generated.</returns>
    /// <exception cref="InputDataException">The folder cannot be created or written.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the images written so far stay.</exception>
    public static int Fill(
        StableDiffusionPipeline pipeline, string folder, string prompt, int count, int? resolution, TextWriter error, string command, CancellationToken cancellationToken)
    {
        int existing;
        try
        {
            Directory.CreateDirectory(folder);
            existing = Directory.EnumerateFiles(folder).Count(ConceptImageOptions.IsImageFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--class-images '{folder}' cannot be created or read: {e.Message}", innerException: e);
        }

        int missing = count - existing;
        if (missing <= 0)
        {
            return 0;
        }

        error.WriteLine($"{command}: drawing {missing} class images of \"{prompt}\" into {folder} ({existing} there already)");
        int size = resolution ?? pipeline.DefaultImageSize;
        var options = new GenerationOptions { Width = size, Height = size };
        int written = 0;
        for (int seed = 0; written < missing; seed++)
        {
            string path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"class-{seed:D4}.png"));
            if (File.Exists(path))
            {
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var image = pipeline.Generate(prompt, options with { Seed = seed }, cancellationToken: cancellationToken)[0];
            try
            {
                image.SavePng(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputDataException($"--class-images: {path} cannot be written: {e.Message}", innerException: e);
            }

            written++;
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{command}: class image {written}/{missing}: {path}"));
        }

        return written;
    }
}
