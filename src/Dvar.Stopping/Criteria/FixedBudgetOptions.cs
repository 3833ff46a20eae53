using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.Criteria;

/// <summary>Settings of <see cref="FixedBudgetCriterion"/>: the budget S (the paper's "Baseline" and "Few iters").</summary>
public sealed record FixedBudgetOptions
{
    /// <summary>Gets the budget S: the criterion fires at observation k = S.</summary>
    /// <value>S ≥ 1. Required.</value>
    public required long Budget { get; init; }

    /// <summary>Gets what the criterion does with a NaN or ±Infinity.</summary>
    /// <value>Default <see cref="NonFinitePolicy.Stop"/>.</value>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>Checks every setting; the criterion's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    internal void Validate()
    {
        Guard.AtLeast(Budget, 1, nameof(Budget));
        Guard.Defined(NonFinite, nameof(NonFinite));
    }

    /// <summary>The settings as the <c>options</c> object of a state document.</summary>
    internal JsonObject ToJson() => new()
    {
        ["budget"] = Budget,
        ["nonFinite"] = NonFinite.ToString(),
    };
}
