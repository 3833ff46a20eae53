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

    private readonly CriterionOptionSet _criterion = new(required: true, ("310", "0.15"));
    private readonly Option<string?> _column = new("--column")
    {
        Description = $"The CSV column holding the values (default '{LossTraceReader.DefaultColumn}'). Not for a bare list.",
        HelpName = "name",
    };

    private readonly Option<OutputFormat> _format = CliOptions.Format("text: a short summary (default); json: one JSON object.");

    /// <summary>Creates the command.</summary>
    /// <param name="standardInput">Read when FILE is '-'.</param>
    public ReplayCommand(TextReader standardInput)
        : base("replay", "Replay a logged loss trace through a stopping criterion and report where it would stop.")
    {
        _standardInput = standardInput;
        Arguments.Add(_file);
        _criterion.AddTo(this);
        Options.Add(_column);
        Options.Add(_format);

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var criterion = CriterionFactory.Create(_criterion.Kind(parse)!.Value, _criterion.Parameters(parse));
        var values = LossTraceReader.ReadFile(parse.GetRequiredValue(_file), _standardInput, parse.GetValue(_column));
        var result = TraceReplayer.Replay(criterion, values);
        ReplayResultFormatter.Write(parse.InvocationConfiguration.Output, result, parse.GetValue(_format));
        return ExitCodes.Success;
    }
}
