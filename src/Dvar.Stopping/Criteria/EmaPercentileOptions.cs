using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.Criteria;

/// <summary>Settings of <see cref="EmaPercentileCriterion"/>: the lag n, the smoothing a and the threshold τ.</summary>
public sealed record EmaPercentileOptions
{
    /// <summary>The largest lag n accepted: 10,000,000. The last n + 1 EMA values are kept in a buffer allocated up
    /// front, 8 bytes each, so this bound is 80 MB.</summary>
    public const int MaxLag = 10_000_000;

    /// <summary>Gets the lag n: the statistic compares EMA_k with EMA_{k−n}.</summary>
    /// <value>1 ≤ n ≤ <see cref="MaxLag"/>. Required.</value>
    public required int Lag { get; init; }

    /// <summary>Gets the smoothing a of EMA_k = a·x_k + (1 − a)·EMA_{k−1}.</summary>
    /// <value>0 &lt; a ≤ 1. Default 0.1 (the paper's Appendix E).</value>
    public double Smoothing { get; init; } = 0.1;

    /// <summary>Gets the threshold τ on |M_k|.</summary>
    /// <value>A finite τ &gt; 0. Required.</value>
    public required double Threshold { get; init; }

    /// <summary>Gets what the criterion does with a NaN or ±Infinity.</summary>
    /// <value>Default <see cref="NonFinitePolicy.Stop"/>.</value>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>Checks every setting; the criterion's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    internal void Validate()
    {
        Guard.AtLeast(Lag, 1, nameof(Lag));
        Guard.AtMostForMemory(Lag, MaxLag, sizeof(double), "the EMA lag buffer", nameof(Lag));
        Guard.InLeftOpenInterval(Smoothing, 0, 1, nameof(Smoothing));
        Guard.PositiveFinite(Threshold, nameof(Threshold));
        Guard.Defined(NonFinite, nameof(NonFinite));
    }

    /// <summary>The settings as the <c>options</c> object of a state document.</summary>
    internal JsonObject ToJson() => new()
    {
        ["lag"] = Lag,
        ["smoothing"] = Smoothing,
        ["threshold"] = Threshold,
        ["nonFinite"] = NonFinite.ToString(),
    };
}
