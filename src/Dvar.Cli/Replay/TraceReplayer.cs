using Dvar.Stopping;

namespace Dvar.Cli.Replay;

/// <summary>Feeds a recorded trace to a criterion, as a training loop would have, and reports the first stop.</summary>
internal static class TraceReplayer
{
    /// <summary>Feeds <paramref name="values"/> in order until the criterion first says stop.</summary>
    /// <param name="criterion">A fresh criterion.</param>
    /// <param name="values">The trace; at least one value.</param>
    /// <returns>The first stop (1-based position in <paramref name="values"/>), or the last decision if none.</returns>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty.</exception>
    public static ReplayResult Replay(IStoppingCriterion criterion, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The trace must hold at least one value.", nameof(values));
        }

        StopDecision decision = default;
        for (var i = 0; i < values.Count; i++)
        {
            decision = criterion.Observe(values[i]);
            if (decision.ShouldStop)
            {
                return new ReplayResult(criterion.Name, values.Count, i + 1, decision);
            }
        }

        return new ReplayResult(criterion.Name, values.Count, null, decision);
    }
}
