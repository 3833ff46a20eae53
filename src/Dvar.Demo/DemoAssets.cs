namespace Dvar.Demo;

/// <summary>Where the shipped toy pipeline and metric model are: the <c>demo-assets/</c> folder next to the assemblies
/// (copied there from <c>src/Dvar.Demo/Assets/</c> by the build, and packed with the <c>dvar</c> tool).</summary>
public static class DemoAssets
{
    /// <summary>The folder name next to the assemblies.</summary>
    public const string FolderName = "demo-assets";

    /// <summary>Gets the default assets folder: <c>demo-assets/</c> in the application's base directory.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, FolderName);

    /// <summary>The toy pipeline (a diffusers folder) under an assets folder.</summary>
    /// <param name="assets">The assets folder.</param>
    /// <returns>The pipeline folder.</returns>
    public static string PipelineFolder(string assets) => Path.Combine(assets, "toy-pipeline");

    /// <summary>The metric model folder under an assets folder.</summary>
    /// <param name="assets">The assets folder.</param>
    /// <returns>The metric folder.</returns>
    public static string MetricFolder(string assets) => Path.Combine(assets, "toy-metric");

    /// <summary>Checks that an assets folder holds both models.</summary>
    /// <param name="assets">The assets folder.</param>
    /// <exception cref="DirectoryNotFoundException">A model folder is missing; the message names it and how to restore it.</exception>
    public static void Check(string assets)
    {
        foreach (var folder in new[] { PipelineFolder(assets), MetricFolder(assets) })
        {
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException(
                    $"The demo model folder '{folder}' is missing. It ships with the dvar tool; in a source checkout it is src/Dvar.Demo/Assets (rebuild, or regenerate it with tools/Dvar.Toy: see its README).");
            }
        }
    }
}
