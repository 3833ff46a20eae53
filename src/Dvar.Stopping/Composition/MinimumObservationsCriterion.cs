using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.Composition;

/// <summary>A warm-up guard: suppresses its inner criterion's stop before observation k0.</summary>
/// <remarks>
/// Fires at the first k ≥ k0 at which the inner criterion has fired (at k or earlier), with the inner criterion's
/// reason and names; sticky until <see cref="Reset"/>. The inner criterion still sees every value, and the decision
/// reports its statistic, threshold and best observation. One exception: a stop for
/// <see cref="StopReason.NonFiniteValue"/> (training has diverged) passes at once, since non-finite values are not
/// observations and a diverged run might otherwise never reach k0. The guard owns its inner criterion.
/// </remarks>
public sealed class MinimumObservationsCriterion : IStoppingCriterion
{
    private const string Kind = "minObservations";
    private readonly CompositeCore _core;

    /// <summary>Initializes a new instance of the <see cref="MinimumObservationsCriterion"/> class.</summary>
    /// <param name="inner">The guarded criterion.</param>
    /// <param name="minimumObservations">k0: the first observation at which a stop may be reported (≥ 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumObservations"/> &lt; 1.</exception>
    public MinimumObservationsCriterion(IStoppingCriterion inner, long minimumObservations)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Guard.AtLeast(minimumObservations, 1, nameof(minimumObservations));
        MinimumObservations = minimumObservations;
        _core = new CompositeCore(Kind, new ChildSet([inner]), new JsonObject { ["minimumObservations"] = minimumObservations });
    }

    /// <summary>Gets k0, the first observation at which a stop may be reported.</summary>
    public long MinimumObservations { get; }

    /// <summary>Gets the guarded criterion.</summary>
    public IStoppingCriterion Inner => _core.Children[0];

    /// <inheritdoc/>
    /// <value>Always <c>minObservations</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <inheritdoc/>
    public StopDecision Observe(double value)
    {
        _core.Children.Observe(value);
        _core.Count(value);
        StopDecision inner = _core.Children.Decisions[0];
        if (!_core.HasFired && inner.ShouldStop
            && (_core.Observations >= MinimumObservations || inner.Reason == StopReason.NonFiniteValue))
        {
            _core.Fire(inner.Reason, inner.FiredBy ?? Inner.Name, 0);
        }

        return _core.Decision(inner, value);
    }

    /// <inheritdoc/>
    public void Reset() => _core.Reset();

    /// <inheritdoc/>
    /// <remarks>Fields: the header (options: <c>minimumObservations</c> and the inner kind as <c>children</c>),
    /// <c>observations</c>, <c>fired</c>, <c>reason</c>, <c>firedBy</c> once fired, <c>representative</c>, and
    /// <c>children</c>: the inner criterion's state.</remarks>
    public JsonObject SaveState() => _core.Save();

    /// <inheritdoc/>
    /// <remarks>All or nothing: if the inner criterion rejects its state, nothing changes.</remarks>
    public void RestoreState(JsonObject state) => _core.Restore(state);
}
