using System.Text.Json.Nodes;
using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.Criteria;

/// <summary>Settings of <see cref="PatienceCriterion"/>: the patience and the minimal improvement ε (the paper's "CLIP-s").</summary>
public sealed record PatienceOptions
{
    /// <summary>Gets the number of consecutive misses tolerated; the criterion fires at miss number patience + 1.</summary>
    /// <value>patience ≥ 0. Required.</value>
    public required int Patience { get; init; }

    /// <summary>Gets the minimal improvement ε: a score improves if score &gt; best + ε.</summary>
    /// <value>A finite ε ≥ 0. Default 0.</value>
    public double MinDelta { get; init; }

    /// <summary>Gets what the criterion does with a NaN or ±Infinity.</summary>
    /// <value>Default <see cref="NonFinitePolicy.Stop"/>.</value>
    public NonFinitePolicy NonFinite { get; init; } = NonFinitePolicy.Stop;

    /// <summary>Gets the Textual Inversion setting of the paper's authors: patience 6, ε = 0.02, scored every 50 steps (their
    /// README's CLIP early-stopping command, <c>--method [inversion/custom/dreambooth]</c> with <c>--early_stop_patience
    /// [6/6/3]</c> and <c>--early_stop_eps [0.02/0.02/0.04]</c>).</summary>
    public static PatienceOptions TextualInversion { get; } = new() { Patience = 6, MinDelta = 0.02 };

    /// <summary>Gets the DreamBooth-LoRA setting of the paper's authors: patience 3, ε = 0.04, scored every 50 steps (the third
    /// entry of their README's lists, whose method order is inversion, custom, dreambooth).</summary>
    public static PatienceOptions DreamBoothLora { get; } = new() { Patience = 3, MinDelta = 0.04 };

    /// <summary>Gets the Custom Diffusion setting of the paper's authors: patience 6, ε = 0.02, scored every 50 steps (the
    /// second entry of their README's lists).</summary>
    public static PatienceOptions CustomDiffusion { get; } = new() { Patience = 6, MinDelta = 0.02 };

    /// <summary>Checks every setting; the criterion's constructor calls this and nothing else validates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is the property's.</exception>
    internal void Validate()
    {
        Guard.AtLeast(Patience, 0, nameof(Patience));
        Guard.NonNegativeFinite(MinDelta, nameof(MinDelta));
        Guard.Defined(NonFinite, nameof(NonFinite));
    }

    /// <summary>The settings as the <c>options</c> object of a state document.</summary>
    internal JsonObject ToJson() => new()
    {
        ["patience"] = Patience,
        ["minDelta"] = MinDelta,
        ["nonFinite"] = NonFinite.ToString(),
    };
}
