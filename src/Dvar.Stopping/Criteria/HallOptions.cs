using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Settings of <see cref="HallCriterion"/>: the window n and the threshold τ on (max − min) / max.</summary>
public sealed record HallOptions
{
    /// <summary>The largest window n accepted: 10,000,000 values. The window is allocated up front, 24 bytes per value
    /// (the value and a partial maximum and minimum), so this bound is 240 MB.</summary>
    public const int MaxWindow = 10_000_000;

    /// <summary>Gets the window n (number of most recent values).</summary>
    /// <value>2 ≤ n ≤ <see cref="MaxWindow"/>. Required.</value>
    public required int Window { get; init; }

    /// <summary>Gets the threshold τ the statistic must fall below.</summary>
    /// <value>A finite τ &gt; 0. Required.</value>
    public required double Threshold { get; init; }

    /// <summary>Gets what the criterion does with a NaN or ±Infinity.</summary>
    /// <value>Default <see cref="NonFinitePolicy.Stop"/>.</value>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>Checks every setting; the criterion's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    internal void Validate()
    {
        Guard.AtLeast(Window, 2, nameof(Window));
        Guard.AtMostForMemory(Window, MaxWindow, sizeof(double) + Unsafe.SizeOf<MinMaxAggregate>(), "the Hall window", nameof(Window));
        Guard.PositiveFinite(Threshold, nameof(Threshold));
        Guard.Defined(NonFinite, nameof(NonFinite));
    }

    /// <summary>The settings as the <c>options</c> object of a state document.</summary>
    internal JsonObject ToJson() => new()
    {
        ["window"] = Window,
        ["threshold"] = Threshold,
        ["nonFinite"] = NonFinite.ToString(),
    };
}
