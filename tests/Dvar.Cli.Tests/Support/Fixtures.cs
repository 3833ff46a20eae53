namespace Dvar.Cli.Tests.Support;

/// <summary>The repository's reference fixtures (tests/fixtures, see its README.md).</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The tiny SD-shaped diffusers pipeline folder: 32x32 images, 16x16 latents, sizes in multiples of 8.</summary>
    public static string SdTiny => System.IO.Path.Combine(RootPath.Value, "sd-tiny");

    /// <summary>A tiny Hugging Face CLIPModel folder with random weights (its tokenizer is CLIP's default vocabulary).</summary>
    public static string ClipTiny => System.IO.Path.Combine(RootPath.Value, "clip-tiny");

    /// <summary>A tiny Hugging Face ViTModel (DINO-shaped) folder with random weights.</summary>
    public static string DinoTiny => System.IO.Path.Combine(RootPath.Value, "dino-tiny");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(System.IO.Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures not found above {AppContext.BaseDirectory}.");
    }
}
