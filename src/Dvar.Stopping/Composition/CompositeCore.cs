using System.Text.Json.Nodes;
using Dvar.Stopping.State;

namespace Dvar.Stopping.Composition;

/// <summary>The life cycle a composite criterion shares: its children, its count, its fired flag with the reason and the
/// names that fired, which child its decisions report, and its state document (children included).</summary>
/// <remarks>A composite has no non-finite policy of its own: its children apply theirs. It counts finite values only.</remarks>
internal sealed class CompositeCore
{
    private readonly string _name;
    private readonly JsonObject _options;

    /// <summary>Initializes the core of a composite named <paramref name="name"/>.</summary>
    /// <param name="name">The composite's name (also its state kind).</param>
    /// <param name="children">The children.</param>
    /// <param name="options">The composite's own options; the children's kinds are added as <c>children</c>.</param>
    public CompositeCore(string name, ChildSet children, JsonObject? options = null)
    {
        _name = name;
        Children = children;
        _options = options ?? [];
        _options["children"] = children.Kinds();
    }

    /// <summary>Gets the children.</summary>
    public ChildSet Children { get; }

    /// <summary>Gets the number of finite values observed.</summary>
    public long Observations { get; private set; }

    /// <summary>Gets a value indicating whether the composite has fired (sticky until <see cref="Reset"/>).</summary>
    public bool HasFired => Reason != StopReason.None;

    /// <summary>Gets the reason the composite fired with, or <see cref="StopReason.None"/>.</summary>
    public StopReason Reason { get; private set; }

    /// <summary>Gets or sets the index of the child whose statistic, threshold and best observation decisions report.</summary>
    public int Representative { get; set; }

    /// <summary>Gets the names that fired, stored once when firing.</summary>
    public string? FiredBy { get; private set; }

    /// <summary>Counts <paramref name="value"/> if it is finite.</summary>
    /// <param name="value">The value the children were fed.</param>
    public void Count(double value)
    {
        if (double.IsFinite(value))
        {
            Observations++;
        }
    }

    /// <summary>Fires, remembering why, which names fired and which child to report.</summary>
    /// <param name="reason">The reason (not <see cref="StopReason.None"/>).</param>
    /// <param name="firedBy">The names that fired.</param>
    /// <param name="representative">The index of the child to report from now on.</param>
    public void Fire(StopReason reason, string firedBy, int representative)
    {
        Reason = reason;
        FiredBy = firedBy;
        Representative = representative;
    }

    /// <summary>The composite's decision for <paramref name="value"/>, reporting the statistic (and why it is undefined),
    /// threshold and best observation of the representative child's <paramref name="child"/> decision.</summary>
    /// <param name="child">The representative child's decision.</param>
    /// <param name="value">The value observed.</param>
    /// <returns>Stop with the stored reason and names once fired; otherwise Continue, with
    /// <see cref="StopReason.NonFiniteIgnored"/> if the value was not finite.</returns>
    public StopDecision Decision(in StopDecision child, double value) => HasFired
        ? new StopDecision(true, Observations, child.Statistic, child.Threshold, Reason, FiredBy, child.BestObservation, child.UndefinedReason)
        : new StopDecision(
            false,
            Observations,
            child.Statistic,
            child.Threshold,
            double.IsFinite(value) ? StopReason.None : StopReason.NonFiniteIgnored,
            null,
            child.BestObservation,
            child.UndefinedReason);

    /// <summary>Resets the children and forgets the count, the fired flag and the representative.</summary>
    public void Reset()
    {
        Children.Reset();
        Observations = 0;
        Reason = StopReason.None;
        FiredBy = null;
        Representative = 0;
    }

    /// <summary>The composite's state document: header, progress, names that fired, representative, children.</summary>
    /// <returns>The document.</returns>
    public JsonObject Save()
    {
        JsonObject state = CriterionState.Create(_name, _options.DeepClone().AsObject());
        CriterionState.WriteProgress(state, Observations, Reason);
        if (FiredBy is not null)
        {
            state["firedBy"] = FiredBy;
        }

        state["representative"] = Representative;
        state["children"] = Children.Save();
        return state;
    }

    /// <summary>Restores the composite and its children, all or nothing.</summary>
    /// <param name="state">The document.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">A field is rejected; the message names it; nothing has changed.</exception>
    public void Restore(JsonObject state)
    {
        CriterionState.CheckHeader(state, _name, _options);
        var (observations, reason) = CriterionState.ReadProgress(state);
        string? firedBy = reason == StopReason.None ? null : StateReader.ReadString(state, "firedBy");
        int representative = (int)StateReader.ReadLong(state, "representative", 0, Children.Count - 1);
        Children.Restore(StateReader.ReadArray(state, "children"));
        Observations = observations;
        Reason = reason;
        FiredBy = firedBy;
        Representative = representative;
    }
}
