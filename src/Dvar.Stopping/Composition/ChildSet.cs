using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;

namespace Dvar.Stopping.Composition;

/// <summary>The children of a composite criterion: feeds every child every value, keeps their last decisions, and saves
/// and restores them in order, each with its kind.</summary>
internal sealed class ChildSet
{
    private readonly IStoppingCriterion[] _children;
    private readonly StopDecision[] _decisions;

    /// <summary>Initializes a set from <paramref name="children"/>, which the composite then owns.</summary>
    /// <param name="children">One or more distinct criteria.</param>
    /// <exception cref="ArgumentNullException"><paramref name="children"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="children"/> is empty or holds the same instance twice.</exception>
    public ChildSet(IEnumerable<IStoppingCriterion> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        _children = [.. children];
        if (_children.Length == 0)
        {
            throw new ArgumentException("children must hold at least one criterion; got none.", nameof(children));
        }

        for (int i = 0; i < _children.Length; i++)
        {
            if (_children[i] is null)
            {
                throw new ArgumentNullException(nameof(children), $"children[{i}] is null.");
            }

            int first = Array.IndexOf(_children, _children[i]);
            if (first < i)
            {
                throw new ArgumentException(
                    $"children[{i}] is the same instance as children[{first}]; each child must be a distinct criterion.",
                    nameof(children));
            }
        }

        _decisions = new StopDecision[_children.Length];
        Items = Array.AsReadOnly(_children);
    }

    /// <summary>Gets the children in order, read-only.</summary>
    public IReadOnlyList<IStoppingCriterion> Items { get; }

    /// <summary>Gets the children's decisions for the last value, in order.</summary>
    public ReadOnlySpan<StopDecision> Decisions => _decisions;

    /// <summary>Gets the number of children.</summary>
    public int Count => _children.Length;

    /// <summary>Gets the child at <paramref name="index"/>.</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public IStoppingCriterion this[int index] => _children[index];

    /// <summary>Feeds <paramref name="value"/> to every child. If a child throws (its non-finite policy is
    /// <see cref="NonFinitePolicy.Throw"/>), the others are still fed and the first exception is rethrown afterwards,
    /// so that all children have seen the same values.</summary>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentOutOfRangeException">A child rejected a non-finite value.</exception>
    public void Observe(double value)
    {
        ExceptionDispatchInfo? failure = null;
        for (int i = 0; i < _children.Length; i++)
        {
            try
            {
                _decisions[i] = _children[i].Observe(value);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                failure ??= ExceptionDispatchInfo.Capture(ex);
            }
        }

        failure?.Throw();
    }

    /// <summary>Resets every child and forgets their decisions.</summary>
    public void Reset()
    {
        foreach (IStoppingCriterion child in _children)
        {
            child.Reset();
        }

        Array.Clear(_decisions);
    }

    /// <summary>The names of the children that have fired, comma-separated (allocates: call only when firing).</summary>
    /// <returns>The names, in order, as reported in their decisions.</returns>
    public string FiredBy()
    {
        var names = new List<string>(_children.Length);
        for (int i = 0; i < _children.Length; i++)
        {
            if (_decisions[i].ShouldStop)
            {
                names.Add(_decisions[i].FiredBy ?? _children[i].Name);
            }
        }

        return string.Join(",", names);
    }

    /// <summary>The children's kinds in order, as stored in the composite's options.</summary>
    public JsonArray Kinds()
    {
        var kinds = new JsonArray();
        foreach (IStoppingCriterion child in _children)
        {
            kinds.Add(child.Name);
        }

        return kinds;
    }

    /// <summary>The children's states in order, each with its kind.</summary>
    public JsonArray Save()
    {
        var states = new JsonArray();
        foreach (IStoppingCriterion child in _children)
        {
            states.Add(child.SaveState());
        }

        return states;
    }

    /// <summary>Restores every child from <paramref name="states"/>, all or none: if a child rejects its state, the
    /// children already restored get their previous state back.</summary>
    /// <param name="states">One state per child, in order.</param>
    /// <exception cref="FormatException">The count differs, or a child rejects its state; the message names
    /// <c>children[i]</c> and the field.</exception>
    public void Restore(JsonArray states)
    {
        if (states.Count != _children.Length)
        {
            throw new FormatException($"children: expected {_children.Length} states, got {states.Count}.");
        }

        for (int i = 0; i < _children.Length; i++)
        {
            if (states[i] is not JsonObject)
            {
                throw new FormatException($"children[{i}]: expected an object, got {states[i]?.ToJsonString() ?? "null"}.");
            }
        }

        var previous = new JsonObject[_children.Length];
        for (int i = 0; i < _children.Length; i++)
        {
            previous[i] = _children[i].SaveState();
            try
            {
                _children[i].RestoreState((JsonObject)states[i]!);
            }
            catch (FormatException ex)
            {
                for (int j = 0; j < i; j++)
                {
                    _children[j].RestoreState(previous[j]);
                }

                throw new FormatException($"children[{i}].{ex.Message}", ex);
            }
        }

        Array.Clear(_decisions);
    }
}
