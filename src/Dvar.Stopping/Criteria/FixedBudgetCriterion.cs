using System.Text.Json.Nodes;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops after a fixed number S of observations (the paper's "Baseline" and "Few iters").</summary>
/// <remarks>Fires at observation k = S; sticky until <see cref="Reset"/>. The decision's statistic is k. Non-finite values
/// are not observations: under <see cref="NonFinitePolicy.Ignore"/> they do not use up the budget.</remarks>
public sealed class FixedBudgetCriterion : IStoppingCriterion
{
    private const string Kind = "fixed";
    private readonly CriterionCore _core;

    /// <summary>Initializes a new instance of the <see cref="FixedBudgetCriterion"/> class.</summary>
    /// <param name="options">The budget S.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">S &lt; 1 or an undefined policy; the parameter name is the option's.</exception>
    public FixedBudgetCriterion(FixedBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new CriterionCore(Kind, options.NonFinite, options.Budget, StopReason.BudgetExhausted, options.ToJson());
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public FixedBudgetOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>fixed</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is k and its threshold is S.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdmit(value, out StopDecision rejected))
        {
            return rejected;
        }

        long k = _core.Observations;
        return _core.Decide(k, k >= Options.Budget);
    }

    /// <inheritdoc/>
    public void Reset() => _core.Reset();

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>.</remarks>
    public JsonObject SaveState() => _core.Save();

    /// <inheritdoc/>
    public void RestoreState(JsonObject state) => _core.Apply(_core.Read(state));
}
