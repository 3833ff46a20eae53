namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Locates the reference fixtures in the repository's tests/fixtures folder (see its README.md).</summary>
internal static class FixturePaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The tests/fixtures folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The tiny SD-shaped diffusers pipeline folder.</summary>
    public static string SdTiny => Path.Combine(Root, "sd-tiny");

    /// <summary>The full-size SD1.5 configs and key/shape lists.</summary>
    public static string Sd15Structure => Path.Combine(Root, "sd15-structure");

    /// <summary>The tiny transformers CLIPModel folder with its reference cases.</summary>
    public static string ClipTiny => Path.Combine(Root, "clip-tiny");

    /// <summary>The full-size CLIP ViT-B/32 and ViT-L/14 configs and key/shape lists.</summary>
    public static string ClipStructure => Path.Combine(Root, "clip-structure");

    /// <summary>Combines a path under tests/fixtures.</summary>
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
