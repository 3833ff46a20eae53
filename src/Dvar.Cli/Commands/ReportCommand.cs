using System.CommandLine;
using Dvar.Cli.Input;
using Dvar.Cli.Output;
using Dvar.Cli.Report;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar report DIR...</c>: merges the <c>training-summary.json</c> of many <c>dvar train</c> runs (an array job's
/// output folders) and the scores of <c>dvar evaluate</c> (<c>evaluation.json</c>) where present into one table
/// (<see cref="ReportTable"/>). Torch-free: it reads JSON files only.</summary>
internal sealed class ReportCommand : Command
{
    private readonly Argument<string[]> _folders = new("DIR")
    {
        Description = "Run folders (holding training-summary.json), dvar evaluate --out folders (evaluation.json), or folders above them: every such file in or below is read.",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<OutputFormat> _format = CliOptions.Format("text: the tables in Markdown (default); json: one JSON object with runs and groups.");

    /// <summary>Creates the command.</summary>
    public ReportCommand()
        : base("report", "Merge the results of many dvar train runs (and dvar evaluate's scores) into one table: per run, and per method and criterion mean ± std.")
    {
        Arguments.Add(_folders);
        Options.Add(_format);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var configuration = parse.InvocationConfiguration;
        var runs = ReportInputs.Read(parse.GetValue(_folders)!, configuration.Error);
        if (runs.Count == 0)
        {
            throw new InputDataException("no training-summary.json was found: there is no run to report (evaluation.json alone names no run's steps and criterion).");
        }

        var table = new ReportTable(runs);
        configuration.Output.Write(parse.GetValue(_format) == OutputFormat.Json
            ? table.ToJson().ToJsonString() + Environment.NewLine
            : table.ToMarkdown());
        return ExitCodes.Success;
    }
}
