namespace Dvar.Cli.Ownership;

/// <summary>What marks a folder as holding the results of an earlier <c>dvar train</c> or <c>dvar demo</c> run: any file or
/// folder such a run writes at the top of its folder. Both commands refuse such a folder unless told what to do with it,
/// whichever command wrote it; other files are the user's and never count.</summary>
internal static class EarlierResults
{
    /// <summary>The checkpoints folder of a training run.</summary>
    public const string CheckpointsFolderName = "checkpoints";

    /// <summary>The files a training run writes at the top of its folder, whatever the method (the library keeps some of
    /// these names internal); a <c>*.safetensors</c> file (Custom Diffusion's token file) counts too.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } =
    [
        "training-summary.json",
        "history.csv",
        "history.png",
        "scores.csv",
        "learned_embeds.safetensors",
        "pytorch_lora_weights.safetensors",
        "pytorch_custom_diffusion_weights.safetensors",
    ];

    /// <summary>The files and folders <c>dvar demo</c> writes at the top of its folder.</summary>
    public static IReadOnlyList<string> DemoEntries { get; } = ["summary.json", "summary.md", "train-loss-overlay.png", "runs", "concepts"];

    /// <summary>The results of earlier runs in a folder, relative to it (<c>checkpoints/step-00000412</c> for a checkpoint),
    /// in a stable order.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The entries; empty when the folder holds no run.</returns>
    public static List<string> Find(string folder)
    {
        var entries = TrainFiles.Where(name => File.Exists(Path.Combine(folder, name))).ToList();
        entries.AddRange(Directory.EnumerateFiles(folder, "*.safetensors")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !entries.Contains(name, StringComparer.Ordinal))
            .Order(StringComparer.Ordinal));
        entries.AddRange(CheckpointFolders(folder).Select(c => $"{CheckpointsFolderName}/{Path.GetFileName(c)}"));
        entries.AddRange(DemoEntries.Where(name => File.Exists(Path.Combine(folder, name)) || Directory.Exists(Path.Combine(folder, name))));
        return entries;
    }

    /// <summary>The checkpoint folders (<c>checkpoints/step-*</c>) of a training folder, full paths, oldest first.</summary>
    /// <param name="folder">The folder.</param>
    /// <returns>The folders.</returns>
    public static IEnumerable<string> CheckpointFolders(string folder)
    {
        string root = Path.Combine(folder, CheckpointsFolderName);
        return Directory.Exists(root) ? Directory.EnumerateDirectories(root, "step-*").Order(StringComparer.Ordinal) : [];
    }

    /// <summary>A short list for a message: the first four entries and how many more.</summary>
    /// <param name="entries">The entries.</param>
    /// <returns>The text.</returns>
    public static string Describe(IReadOnlyList<string> entries) =>
        entries.Count <= 4 ? string.Join(", ", entries) : $"{string.Join(", ", entries.Take(4))} and {entries.Count - 4} more";
}
