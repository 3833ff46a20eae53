using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dvar.Cli.Output;

namespace Dvar.Cli.Report;

/// <summary>The merged table of <c>dvar report</c>, after the paper's Table 1: one row per run (method, criterion, stop,
/// steps, minutes and the <c>dvar evaluate</c> scores where present), then per method and criterion the number of runs
/// and the mean ± sample standard deviation (n − 1) of each column over the runs that have it.</summary>
internal sealed class ReportTable
{
    private readonly IReadOnlyList<ReportRun> _runs;

    /// <summary>Makes the table.</summary>
    /// <param name="runs">The runs, in row order.</param>
    public ReportTable(IReadOnlyList<ReportRun> runs)
    {
        _runs = runs;
    }

    /// <summary>The groups: each method and criterion, in order of first appearance, with its runs.</summary>
    public IReadOnlyList<(string Method, string Criterion, IReadOnlyList<ReportRun> Runs)> Groups =>
        [.. _runs.GroupBy(r => (r.Method, r.Criterion)).Select(g => (g.Key.Method, g.Key.Criterion, (IReadOnlyList<ReportRun>)[.. g]))];

    /// <summary>The table in Markdown: the runs, a blank line, the groups, a blank line and a note on the statistics.</summary>
    /// <returns>The text, ending with a line break.</returns>
    public string ToMarkdown()
    {
        var scores = ReportInputs.ScoreColumns.Where(c => _runs.Any(r => r.Scores.ContainsKey(c.Json))).ToList();
        string scoreHeaders = string.Concat(scores.Select(c => $" {c.Header} |"));
        string scoreRule = string.Concat(scores.Select(_ => "---|"));
        var text = new StringBuilder();
        text.AppendLine($"| run | method | criterion | stop | steps | minutes |{scoreHeaders}");
        text.AppendLine($"|---|---|---|---|---|---|{scoreRule}");
        foreach (var run in _runs)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {run.Name} | {run.Method} | {run.Criterion} | {run.StopReason} | {run.Steps} | {run.Minutes:F2} |");
            foreach (var (json, _) in scores)
            {
                text.Append(' ').Append(run.Scores.TryGetValue(json, out double v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "-").Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine($"| method | criterion | runs | steps | minutes |{scoreHeaders}");
        text.AppendLine($"|---|---|---|---|---|{scoreRule}");
        foreach (var (method, criterion, runs) in Groups)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {method} | {criterion} | {runs.Count} | {MeanStd(runs.Select(r => (double)r.Steps), "F1")} | {MeanStd(runs.Select(r => r.Minutes), "F2")} |");
            foreach (var (json, _) in scores)
            {
                text.Append(' ').Append(MeanStd(runs.Where(r => r.Scores.ContainsKey(json)).Select(r => r.Scores[json]), "F3")).Append(" |");
            }

            text.AppendLine();
        }

        text.AppendLine();
        text.AppendLine("Per method and criterion: mean ± sample standard deviation (n − 1) over the runs; scores over the runs dvar evaluate scored.");
        return text.ToString();
    }

    /// <summary>The table as JSON: <c>runs</c> (<c>run</c>, <c>folder</c>, <c>method</c>, <c>criterion</c>, <c>stopReason</c>,
    /// <c>steps</c>, <c>minutes</c>, the scores or null, <c>evaluation</c>) and <c>groups</c> (<c>method</c>,
    /// <c>criterion</c>, <c>runs</c>, and for <c>steps</c>, <c>minutes</c> and each score an object <c>mean</c>, <c>std</c>,
    /// <c>n</c>, or null when no run has it).</summary>
    /// <returns>The object.</returns>
    public JsonObject ToJson()
    {
        var runs = new JsonArray();
        foreach (var run in _runs)
        {
            var item = new JsonObject
            {
                ["run"] = run.Name,
                ["folder"] = run.Folder,
                ["method"] = run.Method,
                ["criterion"] = run.Criterion,
                ["stopReason"] = run.StopReason,
                ["steps"] = run.Steps,
                ["minutes"] = run.Minutes,
            };
            foreach (var (json, _) in ReportInputs.ScoreColumns)
            {
                item[json] = run.Scores.TryGetValue(json, out double v) ? v : null;
            }

            item["evaluation"] = run.Evaluation;
            runs.Add(item);
        }

        var groups = new JsonArray();
        foreach (var (method, criterion, members) in Groups)
        {
            var group = new JsonObject
            {
                ["method"] = method,
                ["criterion"] = criterion,
                ["runs"] = members.Count,
                ["steps"] = Statistics(members.Select(r => (double)r.Steps)),
                ["minutes"] = Statistics(members.Select(r => r.Minutes)),
            };
            foreach (var (json, _) in ReportInputs.ScoreColumns)
            {
                group[json] = Statistics(members.Where(r => r.Scores.ContainsKey(json)).Select(r => r.Scores[json]));
            }

            groups.Add(group);
        }

        return new JsonObject { ["runs"] = runs, ["groups"] = groups };
    }

    private static string MeanStd(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return "-";
        }

        var (mean, std) = SummaryStatistics.MeanStd(list);
        return $"{mean.ToString(format, CultureInfo.InvariantCulture)} ± {std.ToString(format, CultureInfo.InvariantCulture)}";
    }

    private static JsonObject? Statistics(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return null;
        }

        var (mean, std) = SummaryStatistics.MeanStd(list);
        return new JsonObject { ["mean"] = mean, ["std"] = std, ["n"] = list.Count };
    }
}
