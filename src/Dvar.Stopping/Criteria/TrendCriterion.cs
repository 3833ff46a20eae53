using System.Text.Json.Nodes;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when the least-squares slope of the last n values is close to zero (the paper's Trend criterion).</summary>
/// <remarks>
/// For k ≥ n: <c>slope_k = Σ_i (i − ī)(x_{k−n+1+i} − x̄) / Σ_i (i − ī)²</c> for positions i = 0..n−1, ī = (n − 1)/2,
/// so the denominator is n(n² − 1)/12. Fires at the first k with <c>|slope_k| &lt; τ</c>; sticky until
/// <see cref="Reset"/>. Undefined (null, <see cref="UndefinedReason.TooFewValues"/>) for k &lt; n. Source: Appendix E
/// of the paper. Cost: O(1) amortised per value (the co-moment is merged from summaries of the values in the window,
/// never updated by subtraction, in a power-of-two unit taken from the values so that it cannot overflow), O(n) memory.
/// |slope_k| is +Infinity only where it exceeds double's range (a rise of more than about 1.8e308 per value).
/// </remarks>
public sealed class TrendCriterion : IStoppingCriterion
{
    private const string Kind = "trend";
    private readonly WindowedCore<SlopeAggregate> _core;

    /// <summary>Initializes a new instance of the <see cref="TrendCriterion"/> class.</summary>
    /// <param name="options">The window n and threshold τ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2, τ not a finite number &gt; 0, or an undefined policy.</exception>
    public TrendCriterion(TrendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new WindowedCore<SlopeAggregate>(
            new CriterionCore(Kind, options.NonFinite, options.Threshold, StopReason.ThresholdReached, options.ToJson()),
            options.Window);
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public TrendOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>trend</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.Core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is |slope_k|, null while undefined.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdd(value, out StopDecision rejected))
        {
            return rejected;
        }

        if (!_core.IsFull)
        {
            return _core.Core.Undefined(UndefinedReason.TooFewValues);
        }

        double slope = Math.Abs(_core.Aggregate.Slope);
        return _core.Core.Decide(slope, slope < Options.Threshold);
    }

    /// <inheritdoc/>
    public void Reset() => _core.Reset();

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, <c>window</c>, <c>frontCount</c>.</remarks>
    public JsonObject SaveState() => _core.Save();

    /// <inheritdoc/>
    public void RestoreState(JsonObject state) => _core.Restore(state);
}
