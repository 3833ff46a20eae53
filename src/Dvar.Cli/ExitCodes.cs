namespace Dvar.Cli;

/// <summary>The exit codes of <c>dvar</c> (documented in docs/cli.md; never renumber one).</summary>
internal static class ExitCodes
{
    /// <summary>The command ran; for <c>replay</c> whether or not the criterion stopped, for <c>train</c> whether the
    /// criterion fired or the step cap was reached.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug or an environment problem); the message names the exception type.</summary>
    public const int Unexpected = 1;

    /// <summary>The command line is wrong: an unknown, missing, malformed, out-of-range or inapplicable option.</summary>
    public const int Usage = 2;

    /// <summary>The input cannot be used: a missing or unreadable file or folder, an unparsable line, an unknown column, no
    /// values, a model folder or artifact that does not load, images that cannot be read, no checkpoint to resume.</summary>
    public const int InputData = 3;

    /// <summary>The command was cancelled (Ctrl+C: 128 + SIGINT, the shell convention); <c>train</c> wrote a checkpoint first.</summary>
    public const int Cancelled = 130;

    /// <summary>The command was stopped by SIGTERM (a scheduler preempting it: 128 + SIGTERM); like <see cref="Cancelled"/>,
    /// <c>train</c> finished the step in progress and wrote a checkpoint first, so the same command with
    /// <c>--resume auto</c> continues.</summary>
    public const int Terminated = 143;
}
