using System.CommandLine;

namespace Dvar.Cli.Training;

/// <summary>The <c>--resume</c> option, given bare (<see cref="ResumeMode.Checkpoint"/>) or with the value <c>auto</c>.</summary>
internal static class ResumeOption
{
    /// <summary>Creates the option.</summary>
    /// <returns>The option; <see cref="ResumeMode.None"/> when absent.</returns>
    public static Option<ResumeMode> Create() => new("--resume")
    {
        Description = "Continue from the newest checkpoint in --out (repeat the run's options). '--resume auto': continue a checkpoint "
            + "of the same options, start afresh into a folder without a run, exit 0 at once when the same options' run is complete, refuse (exit 3) anything else.",
        HelpName = "auto",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => ResumeMode.None,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return ResumeMode.Checkpoint;
            }

            string value = result.Tokens[0].Value;
            if (value == "auto")
            {
                return ResumeMode.Auto;
            }

            result.AddError($"--resume takes no value (the newest checkpoint) or 'auto'; got '{value}'.");
            return ResumeMode.None;
        },
    };

    /// <summary>The mode given: <see cref="ResumeMode.Checkpoint"/> for the bare flag (which the parser otherwise reads as
    /// absent, taking the default), <see cref="ResumeMode.Auto"/> for <c>--resume auto</c>, else <see cref="ResumeMode.None"/>.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="option">The option made by <see cref="Create"/>.</param>
    /// <returns>The mode.</returns>
    public static ResumeMode Read(ParseResult parse, Option<ResumeMode> option) =>
        parse.GetResult(option) is { Implicit: false, Tokens.Count: 0 } ? ResumeMode.Checkpoint : parse.GetValue(option);
}
