namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Locates the repository's <c>tests/fixtures</c> folder from the test assembly's output folder.</summary>
internal static class FixturePaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>Gets the absolute path of <c>tests/fixtures</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>Combines <see cref="Root"/> with the given relative parts, e.g. <c>Get("sd-tiny", "tokenizer")</c>.</summary>
    public static string Get(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures");
            if (File.Exists(Path.Combine(candidate, "README.md")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No tests/fixtures/README.md found in {AppContext.BaseDirectory} or any folder above it.");
    }
}
