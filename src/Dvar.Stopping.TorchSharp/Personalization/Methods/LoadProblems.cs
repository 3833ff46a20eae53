using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Collects what is wrong with a weights file so that one exception names every problem (the first names of each kind and their count).</summary>
internal sealed class LoadProblems
{
    private const int Listed = 10;

    private readonly List<string> _problems = [];

    /// <summary>Whether a stored dtype is a floating-point type a model can take.</summary>
    /// <param name="type">The stored dtype.</param>
    /// <returns>True for float16, bfloat16, float32 and float64.</returns>
    public static bool IsFloating(ScalarType type) => type is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;

    /// <summary>Reports a kind of problem with the names it concerns; nothing when there are none.</summary>
    /// <param name="what">The kind, e.g. <c>unknown UNet module paths</c>.</param>
    /// <param name="names">The keys or paths.</param>
    public void Add(string what, IEnumerable<string> names)
    {
        var list = names.ToList();
        if (list.Count > 0)
        {
            string more = list.Count > Listed ? $", ... ({list.Count - Listed} more)" : string.Empty;
            _problems.Add($"{list.Count} {what}: {string.Join(", ", list.Take(Listed))}{more}");
        }
    }

    /// <summary>Reports one problem as a sentence.</summary>
    /// <param name="problem">The problem.</param>
    public void Add(string problem) => _problems.Add(problem);

    /// <summary>Throws when a problem was reported.</summary>
    /// <param name="path">The file, named first in the message.</param>
    /// <param name="target">What the file was checked against, e.g. <c>this UNet</c>.</param>
    /// <exception cref="InvalidDataException">Some problem was reported.</exception>
    public void ThrowIfAny(string path, string target)
    {
        if (_problems.Count > 0)
        {
            throw new InvalidDataException($"{path} does not fit {target}: {string.Join("; ", _problems)}.");
        }
    }
}
