using System.Globalization;

namespace Dvar.Cli.Manifest;

/// <summary>Which manifest entry an array task trains: <c>--index N</c>, else the scheduler's task index from the
/// environment: <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed Job), then <c>SLURM_ARRAY_TASK_ID</c> (a Slurm job
/// array). Indices count from 0.</summary>
internal static class ArrayIndex
{
    /// <summary>The environment variables read, in order.</summary>
    public static IReadOnlyList<string> Variables { get; } = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"];

    /// <summary>Resolves the index.</summary>
    /// <param name="given">The <c>--index</c> value, or null.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="entries">How many entries the manifest has.</param>
    /// <param name="manifest">The manifest as given, for messages.</param>
    /// <returns>The index and where it came from (<c>--index</c> or the variable's name).</returns>
    /// <exception cref="UsageException">No index, an index that is not a whole number, or one outside the manifest.</exception>
    public static (int Index, string Source) Resolve(int? given, Func<string, string?> environment, int entries, string manifest)
    {
        (int Index, string Source)? found = given is { } g ? (g, "--index") : null;
        foreach (string variable in Variables)
        {
            if (found is not null)
            {
                break;
            }

            if (environment(variable) is { Length: > 0 } text)
            {
                found = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
                    ? (value, variable)
                    : throw new UsageException($"--manifest: the environment variable {variable} must be a whole number (the array task's index); got '{text}'.");
            }
        }

        var (index, source) = found ?? throw new UsageException(
            $"--manifest needs the entry to train: --index N, or {string.Join(" or ", Variables)} in the environment (set by a Kubernetes Indexed Job or a Slurm job array).");
        if (index < 0 || index >= entries)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"{source} {index}: --manifest '{manifest}' has {entries} entries, numbered 0 to {entries - 1}."));
        }

        return (index, source);
    }
}
