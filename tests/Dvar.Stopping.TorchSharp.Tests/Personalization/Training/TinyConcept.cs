using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Tests.Personalization.Data;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>A toy concept for the tiny pipeline: three 32 x 32 PNGs written with SkiaSharp into a temporary folder.</summary>
internal static class TinyConcept
{
    public const int Resolution = 32;

    public static ConceptData Create(
        TemporaryFolder folder, PromptTemplateSet? templates = null, bool withClassImages = false, string placeholder = SingleParameterMethod.TestPlaceholder,
        bool keepOriginals = false)
    {
        string instances = Path.Combine(folder.Path, "instance");
        Directory.CreateDirectory(instances);
        RgbImage.Smooth(Resolution, Resolution).WritePng(instances, "a.png");
        RgbImage.Constant(Resolution, Resolution, 200, 40, 40).WritePng(instances, "b.png");
        RgbImage.Noise(Resolution, Resolution, seed: 7).WritePng(instances, "c.png");
        var options = new ConceptImageOptions { Resolution = Resolution, MinimumSize = 8 };
        var images = ConceptImages.Load(instances, options with { KeepOriginals = keepOriginals });
        if (!withClassImages)
        {
            return new ConceptData(images, templates ?? PromptTemplateSet.Object, placeholder);
        }

        string classes = Path.Combine(folder.Path, "class");
        Directory.CreateDirectory(classes);
        RgbImage.Constant(Resolution, Resolution, 40, 40, 200).WritePng(classes, "x.png");
        RgbImage.Noise(Resolution, Resolution, seed: 8).WritePng(classes, "y.png");
        var classImages = ConceptImages.Load(classes, options);
        return new ConceptData(images, templates ?? PromptTemplateSet.Object, placeholder, classImages, "a photo of dog");
    }
}
