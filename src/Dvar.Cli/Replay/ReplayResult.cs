using Dvar.Stopping;

namespace Dvar.Cli.Replay;

/// <summary>The outcome of replaying a trace through a criterion.</summary>
/// <param name="Criterion">The criterion's name (<c>dvar</c>, <c>ema</c>, ...).</param>
/// <param name="Observations">How many values were read (all of them, whether or not the criterion stopped).</param>
/// <param name="StopIndex">The 1-based position in the input of the value at which the criterion first said stop,
/// or null if it never did.</param>
/// <param name="Decision">The decision at <see cref="StopIndex"/>, or at the last value when it never stopped.</param>
internal sealed record ReplayResult(string Criterion, long Observations, long? StopIndex, StopDecision Decision)
{
    /// <summary>Whether the criterion said stop at some value.</summary>
    public bool Stopped => StopIndex is not null;
}
