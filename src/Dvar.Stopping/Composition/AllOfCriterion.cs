using System.Text.Json.Nodes;

namespace Dvar.Stopping.Composition;

/// <summary>Stops once every child has stopped: AllOf(c_1..c_m) fires at max_j (fire index of c_j).</summary>
/// <remarks>
/// Every child is fed every value (children apply their own non-finite policies); since children are sticky, a child
/// that fired earlier still counts. The decision that fires names every child, comma-separated, and carries the reason
/// of the first child among those that fired last; sticky until <see cref="Reset"/>. Its
/// <see cref="StopDecision.Statistic"/>, threshold and best observation are those of the first child that has not fired
/// yet, and once fired those of the child whose reason it carries. Observations counts finite values only. The composite owns
/// its children: do not feed them elsewhere. Allocates only at the observation where it fires.
/// </remarks>
public sealed class AllOfCriterion : IStoppingCriterion
{
    private const string Kind = "allOf";
    private readonly CompositeCore _core;

    /// <summary>Initializes a new instance of the <see cref="AllOfCriterion"/> class.</summary>
    /// <param name="children">One or more distinct criteria, fed in this order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="children"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="children"/> is empty or holds the same instance twice.</exception>
    public AllOfCriterion(params IStoppingCriterion[] children)
        : this((IEnumerable<IStoppingCriterion>)children)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AllOfCriterion"/> class.</summary>
    /// <param name="children">One or more distinct criteria, fed in this order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="children"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="children"/> is empty or holds the same instance twice.</exception>
    public AllOfCriterion(IEnumerable<IStoppingCriterion> children)
    {
        _core = new CompositeCore(Kind, new ChildSet(children));
    }

    /// <inheritdoc/>
    /// <value>Always <c>allOf</c>.</value>
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
            int pending = decisions.Length;
            for (int i = 0; i < decisions.Length && pending == decisions.Length; i++)
            {
                pending = decisions[i].ShouldStop ? pending : i;
            }

            if (pending < decisions.Length)
            {
                _core.Representative = pending;
            }
            else
            {
                _core.Fire(decisions[_core.Representative].Reason, _core.Children.FiredBy(), _core.Representative);
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
