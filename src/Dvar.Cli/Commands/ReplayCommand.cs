using System.CommandLine;
using Dvar.Cli.Input;
using Dvar.Cli.Output;
using Dvar.Cli.Replay;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar replay FILE --criterion NAME [options]</c>: feeds a logged loss trace to a stopping criterion and
/// reports where it would have stopped training. Torch-free: it never touches TorchSharp.</summary>
internal sealed class ReplayCommand : Command
{
    private readonly TextReader _standardInput;
    private readonly Argument<string> _file = new("FILE")
    {
        Description = "A CSV file with a header row, or one number per line; '-' reads standard input.",
    };

    private readonly Option<CriterionKind> _criterion = CliOptions.Choice(
        "--criterion",
        "The stopping criterion.",
        Enum.GetValues<CriterionKind>().ToDictionary(CriterionFactory.NameOf));

    private readonly Option<int?> _window = CliOptions.Number<int>("--window", "dvar: window N (default 310); hall, trend: window n.");
    private readonly Option<double?> _threshold = CliOptions.Number<double>("--threshold", "dvar: α (default 0.15); ema, hall, trend: τ.");
    private readonly Option<int?> _lag = CliOptions.Number<int>("--lag", "ema: lag n.");
    private readonly Option<double?> _smoothing = CliOptions.Number<double>("--smoothing", "ema: smoothing a in (0, 1] (default 0.1).");
    private readonly Option<int?> _patience = CliOptions.Number<int>("--patience", "patience: misses allowed before stopping.");
    private readonly Option<double?> _minDelta = CliOptions.Number<double>("--min-delta", "patience: ε, the least improvement that counts (default 0).");
    private readonly Option<long?> _steps = CliOptions.Number<long>("--steps", "fixed: budget S, the observation at which it stops.");
    private readonly Option<string?> _column = new("--column")
    {
        Description = $"The CSV column holding the values (default '{LossTraceReader.DefaultColumn}'). Not for a bare list.",
        HelpName = "name",
    };

    private readonly Option<OutputFormat> _format = CliOptions.Choice(
        "--format",
        "text: a short summary (default); json: one JSON object.",
        new Dictionary<string, OutputFormat> { ["text"] = OutputFormat.Text, ["json"] = OutputFormat.Json });

    /// <summary>Creates the command.</summary>
    /// <param name="standardInput">Read when FILE is '-'.</param>
    public ReplayCommand(TextReader standardInput)
        : base("replay", "Replay a logged loss trace through a stopping criterion and report where it would stop.")
    {
        _standardInput = standardInput;
        _criterion.Required = true;
        _format.DefaultValueFactory = _ => OutputFormat.Text;
        Arguments.Add(_file);
        foreach (var option in new Option[] { _criterion, _window, _threshold, _lag, _smoothing, _patience, _minDelta, _steps, _column, _format })
        {
            Options.Add(option);
        }

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var parameters = new CriterionParameters(
            parse.GetValue(_window),
            parse.GetValue(_threshold),
            parse.GetValue(_lag),
            parse.GetValue(_smoothing),
            parse.GetValue(_patience),
            parse.GetValue(_minDelta),
            parse.GetValue(_steps));
        var criterion = CriterionFactory.Create(parse.GetValue(_criterion), parameters);
        var values = LossTraceReader.ReadFile(parse.GetRequiredValue(_file), _standardInput, parse.GetValue(_column));
        var result = TraceReplayer.Replay(criterion, values);
        ReplayResultFormatter.Write(parse.InvocationConfiguration.Output, result, parse.GetValue(_format));
        return ExitCodes.Success;
    }
}
