using System.CommandLine;
using Dvar.Cli.Manifest;
using Dvar.Cli.Training;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar train textual-inversion|dreambooth-lora|custom-diffusion ...</c>: personalizes a Stable Diffusion folder
/// and stops when the deterministic loss has settled; <c>dvar train --manifest FILE --index N [OPTION...]</c> trains the
/// N-th entry of a work list (<see cref="ConceptManifest"/>) with the options after it added. Defines options only;
/// TorchSharp is loaded by the action.</summary>
internal sealed class TrainCommand : Command
{
    private readonly Option<string?> _manifest = CliOptions.Text(
        "--manifest",
        "FILE",
        "Train one entry of a JSON Lines work list (method, images, token, out, options); further options on the command line apply to it too (e.g. --model, --resume auto).");

    private readonly Option<int?> _index = CliOptions.Number<int>(
        "--index",
        "With --manifest: the entry to train, from 0 (default: $JOB_COMPLETION_INDEX, else $SLURM_ARRAY_TASK_ID).");

    /// <summary>Creates the command and its three subcommands.</summary>
    /// <param name="session">Progress display mode and cancellation.</param>
    public TrainCommand(CliSession session)
        : base("train", "Personalize a Stable Diffusion v1.x folder and stop when the deterministic loss has settled (DVAR by default).")
    {
        foreach (var method in Enum.GetValues<TrainMethod>())
        {
            Subcommands.Add(new TrainMethodCommand(method, session));
        }

        Options.Add(_manifest);
        Options.Add(_index);
        TreatUnmatchedTokensAsErrors = false; // with --manifest, the options of the method's command
        SetAction(RunManifest);
    }

    private int RunManifest(ParseResult parse)
    {
        string? manifest = parse.GetValue(_manifest);
        if (manifest is null)
        {
            throw new UsageException(parse.UnmatchedTokens.Count > 0
                ? $"unrecognized {string.Join(' ', parse.UnmatchedTokens)}; give a method (textual-inversion, dreambooth-lora, custom-diffusion) or --manifest FILE."
                : parse.GetResult(_index) is not null
                    ? "--index applies only with --manifest FILE."
                    : "give a method (textual-inversion, dreambooth-lora, custom-diffusion) or --manifest FILE with --index N.");
        }

        var entries = ConceptManifest.Read(manifest);
        var (index, source) = ArrayIndex.Resolve(parse.GetValue(_index), Environment.GetEnvironmentVariable, entries.Count, manifest);
        var entry = entries[index];
        string[] arguments = [.. entry.Arguments, .. parse.UnmatchedTokens];
        var configuration = parse.InvocationConfiguration;
        configuration.Error.WriteLine($"dvar train: --manifest '{manifest}' entry {index} ({source}; line {entry.Line}): dvar train {string.Join(' ', arguments)}");
        var inner = Parse(arguments);
        if (inner.Errors.Count > 0)
        {
            throw new UsageException($"--manifest '{manifest}' line {entry.Line} (entry {index}): {string.Join(' ', inner.Errors.Select(e => e.Message))}");
        }

        if (inner.CommandResult.Command is not TrainMethodCommand)
        {
            throw new UsageException($"--manifest '{manifest}' line {entry.Line} (entry {index}): method '{entry.Method}' is not one of textual-inversion, dreambooth-lora, custom-diffusion.");
        }

        return inner.Invoke(new InvocationConfiguration
        {
            Output = configuration.Output,
            Error = configuration.Error,
            EnableDefaultExceptionHandler = false,
        });
    }
}
