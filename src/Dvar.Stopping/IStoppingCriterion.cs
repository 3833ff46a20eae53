using System.Text.Json.Nodes;

namespace Dvar.Stopping;

/// <summary>A stopping rule fed one value at a time (in the paper: the deterministic loss after each training step).</summary>
/// <remarks>
/// Implementations are pure: no logging, clock or I/O. They are streaming (O(1) amortised time per value, memory
/// bounded by their window) and sticky: once a criterion has fired it keeps answering Stop until <see cref="Reset"/>.
/// </remarks>
public interface IStoppingCriterion
{
    /// <summary>A short, stable name of the criterion kind (<c>dvar</c>, <c>ema</c>, ...), used in decisions and state.</summary>
    string Name { get; }

    /// <summary>The number of finite values observed so far (k of the last decision).</summary>
    long Observations { get; }

    /// <summary>Whether the criterion has fired. Sticky until <see cref="Reset"/>.</summary>
    bool HasFired { get; }

    /// <summary>Feeds the next value and returns the decision for it.</summary>
    /// <param name="value">The next value x_k.</param>
    /// <returns>The decision for this observation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite and the policy is <see cref="NonFinitePolicy.Throw"/>.</exception>
    StopDecision Observe(double value);

    /// <summary>Forgets every observation and the fired flag, as if newly constructed.</summary>
    void Reset();

    /// <summary>Returns the full state (counts, sums, window contents, fired flag) as a versioned JSON document.</summary>
    /// <returns>A new JSON object owned by the caller.</returns>
    JsonObject SaveState();

    /// <summary>Restores a state returned by <see cref="SaveState"/> of a criterion with identical options.</summary>
    /// <param name="state">The saved state.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">The document has an unknown format or version, the wrong kind, options that
    /// differ from this instance's, or a missing or invalid field; the message names the field.</exception>
    void RestoreState(JsonObject state);
}
