using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dvar.Cli.Input;
using Dvar.Stopping.IO;

namespace Dvar.Cli.Training;

/// <summary><c>training-options.json</c> in a <c>dvar train</c> output folder: the options of the run the folder holds, and
/// whether that run completed. What <c>--resume auto</c> decides by (<see cref="AutoResume"/>).</summary>
/// <remarks>
/// <para>Every run writes it, atomically, just before its first step (a resume only when its options differ from the
/// recorded ones), and marks it complete after its results are written. Fields: <c>format</c>
/// (<c>dvar/training-options</c>), <c>version</c> (1), <c>complete</c>, <c>options</c> (every option of the request that
/// can change the result, by its property name, as given: paths are not resolved, an option left out differs from one
/// given with its default value; not <c>--out</c>, <c>--resume</c>, <c>--overwrite</c>, <c>--format</c>, <c>--verbose</c>,
/// <c>--progress-every</c>, <c>--threads</c>), and <c>earlierCheckpoints</c> (the checkpoints that were in the folder when
/// this run started: another run's, never resumed by <c>--resume auto</c>).</para>
/// </remarks>
/// <param name="Options">The options, by name, as JSON text.</param>
/// <param name="Complete">Whether the run completed.</param>
/// <param name="EarlierCheckpoints">Checkpoint folder names (<c>step-NNNNNNNN</c>) left by an earlier run.</param>
internal sealed record TrainingOptionsRecord(IReadOnlyDictionary<string, string> Options, bool Complete, IReadOnlyList<string> EarlierCheckpoints)
{
    /// <summary>The file's name.</summary>
    public const string FileName = "training-options.json";

    private const string Format = "dvar/training-options";
    private const int Version = 1;

    /// <summary>The request's properties that never change a run's result.</summary>
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal)
    {
        nameof(TrainRequest.Output), nameof(TrainRequest.Resume), nameof(TrainRequest.ResumeAuto), nameof(TrainRequest.Overwrite),
        nameof(TrainRequest.Format), nameof(TrainRequest.Verbose), nameof(TrainRequest.ProgressEvery), "Model.Threads",
    };

    private static readonly JsonSerializerOptions Serializer = new() { Converters = { new JsonStringEnumConverter() } };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The options of a request that define its result, flattened (<c>Model.Device</c>), as compact JSON values.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Name to value, sorted by name.</returns>
    public static SortedDictionary<string, string> OptionsOf(TrainRequest request)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Flatten(JsonSerializer.SerializeToNode(request, Serializer), string.Empty, options);
        return options;
    }

    /// <summary>The first option whose value differs between two records' options (one missing on one side counts as
    /// <c>null</c>), or null when they are the same.</summary>
    /// <param name="recorded">The options in the folder.</param>
    /// <param name="given">This command's options.</param>
    /// <returns>The name and both values, or null.</returns>
    public static (string Name, string Recorded, string Given)? FirstDifference(IReadOnlyDictionary<string, string> recorded, IReadOnlyDictionary<string, string> given)
    {
        foreach (string name in recorded.Keys.Union(given.Keys).Order(StringComparer.Ordinal))
        {
            string before = recorded.TryGetValue(name, out var r) ? r : "null";
            string now = given.TryGetValue(name, out var g) ? g : "null";
            if (before != now)
            {
                return (name, before, now);
            }
        }

        return null;
    }

    /// <summary>Reads the record of a folder.</summary>
    /// <param name="folder">The output folder.</param>
    /// <returns>The record, or null when the folder has none.</returns>
    /// <exception cref="InputDataException">The file cannot be read or is not such a record.</exception>
    public static TrainingOptionsRecord? Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
            if (root["format"]?.GetValue<string>() != Format || root["version"]?.GetValue<int>() != Version)
            {
                throw new FormatException($"expected format \"{Format}\" version {Version}");
            }

            var options = (root["options"] as JsonObject ?? throw new FormatException("options: missing"))
                .ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "null", StringComparer.Ordinal);
            var earlier = (root["earlierCheckpoints"] as JsonArray ?? [])
                .Select(n => n?.GetValue<string>() ?? throw new FormatException("earlierCheckpoints: a null entry"))
                .ToList();
            return new TrainingOptionsRecord(options, root["complete"]?.GetValue<bool>() ?? false, earlier);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--out: {path} cannot be read ({e.Message}); replace the run with --overwrite or choose another folder.", innerException: e);
        }
    }

    /// <summary>Writes the record into a folder, atomically.</summary>
    /// <param name="folder">The output folder.</param>
    public void Write(string folder)
    {
        var options = new JsonObject();
        foreach (var (name, value) in Options.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            options[name] = value;
        }

        var root = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["complete"] = Complete,
            ["options"] = options,
            ["earlierCheckpoints"] = new JsonArray([.. EarlierCheckpoints.Select(c => (JsonNode?)JsonValue.Create(c))]),
        };
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), w => w.Write(root.ToJsonString(Indented)));
    }

    private static void Flatten(JsonNode? node, string prefix, SortedDictionary<string, string> into)
    {
        if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                Flatten(value, prefix.Length == 0 ? name : $"{prefix}.{name}", into);
            }
        }
        else if (!Ignored.Contains(prefix))
        {
            into[prefix] = node?.ToJsonString() ?? "null";
        }
    }
}
