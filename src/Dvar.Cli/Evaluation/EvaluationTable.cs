using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Cli.Output;

namespace Dvar.Cli.Evaluation;

/// <summary>The evaluation as the paper's Table 1 shows it: one row per run or artifact, and with two or more rows their
/// mean ± standard deviation (n − 1).</summary>
internal sealed class EvaluationTable
{
    /// <summary>Indented JSON with readable tokens such as &lt;cat-toy&gt;.</summary>
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly (string Header, string Json, Func<EvaluationRow, double?> Value, string Format)[] Columns =
    [
        ("steps", "steps", r => r.Target.Steps, "F0"),
        ("minutes", "minutes", r => r.Target.Minutes, "F2"),
        ("train CLIP img", "trainClipImage", r => r.Scores.TrainImage, "F3"),
        ("train CLIP img, all pairs", "trainClipImageAllPairs", r => r.Scores.TrainImageAllPairs, "F3"),
        ("val CLIP img", "validationClipImage", r => r.Scores.ValidationImage, "F3"),
        ("val CLIP txt", "validationClipText", r => r.Scores.ValidationText, "F3"),
        ("DINO img", "dinoImage", r => r.Scores.DinoImage, "F3"),
    ];

    private readonly IReadOnlyList<EvaluationRow> _rows;
    private readonly string _clip;
    private readonly string? _dino;

    private EvaluationTable(IReadOnlyList<EvaluationRow> rows, string clip, string? dino)
    {
        _rows = rows;
        _clip = clip;
        _dino = dino;
    }

    /// <summary>Makes the table.</summary>
    /// <param name="rows">The evaluated rows.</param>
    /// <param name="clip">The CLIP model's name.</param>
    /// <param name="dino">The DINO model's name, or null.</param>
    /// <returns>The table.</returns>
    public static EvaluationTable Create(IReadOnlyList<EvaluationRow> rows, string clip, string? dino) => new(rows, clip, dino);

    /// <summary>The table in Markdown, with the models named under it.</summary>
    /// <returns>The text, ending with a line break.</returns>
    public string ToMarkdown()
    {
        var used = Columns.Where(c => _rows.Any(r => c.Value(r) is not null)).ToList();
        var text = new StringBuilder();
        text.Append("| run | method | ").Append(string.Join(" | ", used.Select(c => c.Header))).AppendLine(" |");
        text.Append("|---|---|").Append(string.Concat(used.Select(_ => "---|"))).AppendLine();
        foreach (var row in _rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Target.Name} | {row.Target.Method} | ")
                .Append(string.Join(" | ", used.Select(c => c.Value(row) is { } v ? v.ToString(c.Format, CultureInfo.InvariantCulture) : "-")))
                .AppendLine(" |");
        }

        if (_rows.Count > 1)
        {
            text.Append("| mean ± std | | ").Append(string.Join(" | ", used.Select(c => MeanStdText(c.Value, c.Format)))).AppendLine(" |");
        }

        text.AppendLine().Append(CultureInfo.InvariantCulture, $"Scores: cosine similarities of {_clip} features");
        text.Append(_dino is null ? string.Empty : $" (DINO: {_dino})").AppendLine(".");
        return text.ToString();
    }

    /// <summary>The table as a JSON object: <c>clip</c>, <c>dino</c>, <c>rows</c> and, with two or more rows, <c>mean</c> and
    /// <c>std</c>.</summary>
    /// <returns>The object.</returns>
    public JsonObject ToJson()
    {
        var rows = new JsonArray();
        foreach (var row in _rows)
        {
            var item = new JsonObject
            {
                ["name"] = row.Target.Name,
                ["method"] = row.Target.Method,
                ["placeholder"] = row.Placeholder,
            };
            foreach (var c in Columns)
            {
                item[c.Json] = c.Value(row);
            }

            item["samples"] = row.Folder;
            item["run"] = row.Target.RunFolder;
            rows.Add(item);
        }

        var root = new JsonObject { ["clip"] = _clip, ["dino"] = _dino, ["rows"] = rows };
        if (_rows.Count > 1)
        {
            var mean = new JsonObject();
            var std = new JsonObject();
            foreach (var c in Columns)
            {
                var values = Values(c.Value);
                var (m, s) = values.Count > 0 ? SummaryStatistics.MeanStd(values) : (double.NaN, double.NaN);
                mean[c.Json] = values.Count > 0 ? m : null;
                std[c.Json] = values.Count > 0 ? s : null;
            }

            root["mean"] = mean;
            root["std"] = std;
        }

        return root;
    }

    private List<double> Values(Func<EvaluationRow, double?> value) => [.. _rows.Select(value).OfType<double>()];

    private string MeanStdText(Func<EvaluationRow, double?> value, string format)
    {
        var values = Values(value);
        if (values.Count == 0)
        {
            return "-";
        }

        var (mean, std) = SummaryStatistics.MeanStd(values);
        string shown = format == "F0" ? "F1" : format;
        return $"{mean.ToString(shown, CultureInfo.InvariantCulture)} ± {std.ToString(shown, CultureInfo.InvariantCulture)}";
    }
}
