using System.Text.Json.Nodes;

namespace Dvar.Stopping.Composition;

/// <summary>Stops as soon as any of its children stops: AnyOf(c_1..c_m) fires at min_j (fire index of c_j).</summary>
/// <remarks>
/// Every child is fed every value (children apply their own non-finite policies). The decision that fires names the
/// children that fired at that observation, comma-separated, and carries the reason of the first of them; sticky until
/// <see cref="Reset"/>. Its <see cref="StopDecision.Statistic"/>, threshold and best observation are those of the first
/// child that fired, or of the first child while none has. Observations counts finite values only. The composite owns
/// its children: do not feed them elsewhere. Allocates only at the observation where it fires.
/// </remarks>
public sealed class AnyOfCriterion : IStoppingCriterion
{
    private const string Kind = "anyOf";
    private readonly CompositeCore _core;

    /// <summary>Initializes a new instance of the <see cref="AnyOfCriterion"/> class.</summary>
    /// <param name="children">One or more distinct criteria, fed in this order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="children"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="children"/> is empty or holds the same instance twice.</exception>
    public AnyOfCriterion(params IStoppingCriterion[] children)
        : this((IEnumerable<IStoppingCriterion>)children)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AnyOfCriterion"/> class.</summary>
    /// <param name="children">One or more distinct criteria, fed in this order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="children"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="children"/> is empty or holds the same instance twice.</exception>
    public AnyOfCriterion(IEnumerable<IStoppingCriterion> children)
    {
        _core = new CompositeCore(Kind, new ChildSet(children));
    }

    /// <inheritdoc/>
    /// <value>Always <c>anyOf</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <summary>Gets the child criteria, in order.</summary>
    public IReadOnlyList<IStoppingCriterion> Children => _core.Children.Items;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A child's policy is <see cref="NonFinitePolicy.Throw"/> and the value is
    /// not finite; every child has still been fed the value.</exception>
    public StopDecision Observe(double value)
    {
        _core.Children.Observe(value);
        _core.Count(value);
        ReadOnlySpan<StopDecision> decisions = _core.Children.Decisions;
        if (!_core.HasFired)
        {
            for (int i = 0; i < decisions.Length; i++)
            {
                if (decisions[i].ShouldStop)
                {
                    _core.Fire(decisions[i].Reason, _core.Children.FiredBy(), i);
                    break;
                }
            }
        }

        return _core.Decision(decisions[_core.Representative], value);
    }

    /// <inheritdoc/>
    public void Reset() => _core.Reset();

    /// <inheritdoc/>
    /// <remarks>Fields: the header (options: the children's kinds), <c>observations</c>, <c>fired</c>, <c>reason</c>,
    /// <c>firedBy</c> once fired, <c>representative</c>, and <c>children</c>: each child's own state, in order.</remarks>
    public JsonObject SaveState() => _core.Save();

    /// <inheritdoc/>
    /// <remarks>All or nothing: if a child rejects its state, no child and not the composite change.</remarks>
    public void RestoreState(JsonObject state) => _core.Restore(state);
}
