namespace Dvar.Testing;

/// <summary>Locates the reference fixtures in the repository's tests/fixtures folder (see its README.md).</summary>
public static class FixturePaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The tests/fixtures folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The tiny SD-shaped diffusers pipeline folder: 32x32 images, 16x16 latents, sizes in multiples of 8.</summary>
    public static string SdTiny => Path.Combine(Root, "sd-tiny");

    /// <summary>The full-size SD1.5 configs and key/shape lists.</summary>
    public static string Sd15Structure => Path.Combine(Root, "sd15-structure");

    /// <summary>A tiny Hugging Face CLIPModel folder with random weights and its reference cases.</summary>
    public static string ClipTiny => Path.Combine(Root, "clip-tiny");

    /// <summary>The full-size CLIP ViT-B/32 and ViT-L/14 configs and key/shape lists.</summary>
    public static string ClipStructure => Path.Combine(Root, "clip-structure");

    /// <summary>A tiny Hugging Face ViTModel (DINO-shaped) folder with random weights.</summary>
    public static string DinoTiny => Path.Combine(Root, "dino-tiny");

    /// <summary>Combines a path under tests/fixtures.</summary>
    /// <param name="parts">The path's parts below tests/fixtures.</param>
    /// <returns>The combined path.</returns>
    public static string Get(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/fixtures not found above {AppContext.BaseDirectory}.");
    }
}
