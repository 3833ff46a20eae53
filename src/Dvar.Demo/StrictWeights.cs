using Dvar.Stopping.TorchSharp.Serialization;
using static TorchSharp.torch;

namespace Dvar.Demo;

/// <summary>Loads a safetensors file into a module only when its names and shapes match the module's exactly.</summary>
public static class StrictWeights
{
    /// <summary>Loads the file.</summary>
    /// <param name="module">The module.</param>
    /// <param name="path">The safetensors file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, or names or shapes differ (all are listed).</exception>
    public static void Load(nn.Module module, string path)
    {
        var stored = SafetensorsFile.ReadAll(path);
        try
        {
            var expected = module.state_dict();
            var problems = new List<string>();
            problems.AddRange(expected.Keys.Except(stored.Keys, StringComparer.Ordinal).Select(k => $"missing {k}"));
            problems.AddRange(stored.Keys.Except(expected.Keys, StringComparer.Ordinal).Select(k => $"unexpected {k}"));
            problems.AddRange(expected
                .Where(e => stored.TryGetValue(e.Key, out var t) && !t.shape.SequenceEqual(e.Value.shape))
                .Select(e => $"{e.Key} expected [{string.Join(", ", e.Value.shape)}], got [{string.Join(", ", stored[e.Key].shape)}]"));
            if (problems.Count > 0)
            {
                throw new InvalidDataException($"{path} does not fit {module.GetName()}: {string.Join("; ", problems.Take(10))}{(problems.Count > 10 ? $"; and {problems.Count - 10} more" : string.Empty)}.");
            }

            using var noGrad = no_grad();
            foreach (var (name, tensor) in expected)
            {
                tensor.copy_(stored[name]);
            }
        }
        finally
        {
            foreach (var t in stored.Values)
            {
                t.Dispose();
            }
        }
    }
}
