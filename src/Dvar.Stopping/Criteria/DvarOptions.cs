using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Settings of <see cref="DvarCriterion"/>: the window N and the threshold α.</summary>
public sealed record DvarOptions
{
    /// <summary>The largest window N accepted: 10,000,000 values. The window is allocated up front, 48 bytes per value
    /// (the value and a partial summary), so this bound is 480 MB; the paper's windows are 180 to 440.</summary>
    public const int MaxWindow = 10_000_000;

    /// <summary>Gets the window N of the rolling variance (number of most recent values).</summary>
    /// <value>2 ≤ N ≤ <see cref="MaxWindow"/>. Default 310 (Textual Inversion).</value>
    public int Window { get; init; } = 310;

    /// <summary>Gets the threshold α on the ratio of the rolling variance to the whole-run variance.</summary>
    /// <value>0 &lt; α &lt; 1. Default 0.15.</value>
    public double Threshold { get; init; } = 0.15;

    /// <summary>Gets what the criterion does with a NaN or ±Infinity.</summary>
    /// <value>Default <see cref="NonFinitePolicy.Stop"/>.</value>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>Gets the Textual Inversion setting of the paper (§3.3): N = 310, α = 0.15.</summary>
    public static DvarOptions TextualInversion { get; } = new() { Window = 310, Threshold = 0.15 };

    /// <summary>Gets the DreamBooth-LoRA setting of the paper (§3.3): N = 440, α = 0.4.</summary>
    public static DvarOptions DreamBoothLora { get; } = new() { Window = 440, Threshold = 0.4 };

    /// <summary>Gets the Custom Diffusion setting of the paper (§3.3): N = 180, α = 0.15.</summary>
    public static DvarOptions CustomDiffusion { get; } = new() { Window = 180, Threshold = 0.15 };

    /// <summary>Checks every setting; the criterion's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    internal void Validate()
    {
        Guard.AtLeast(Window, 2, nameof(Window));
        Guard.AtMostForMemory(Window, MaxWindow, sizeof(double) + Unsafe.SizeOf<MomentAggregate>(), "the DVAR window", nameof(Window));
        Guard.InOpenInterval(Threshold, 0, 1, nameof(Threshold));
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
