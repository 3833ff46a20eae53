using System.Text.Json.Nodes;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when the range of the last n values is small relative to their maximum (the paper's Hall criterion).</summary>
/// <remarks>
/// For k ≥ n: <c>H_k = (max − min) / max</c> over <c>x_{k−n+1..k}</c> (the paper's formula in Appendix E; its prose says
/// "rolling average", its formula divides by the rolling maximum, which we follow). Fires at the first k with
/// <c>H_k &lt; τ</c>; sticky until <see cref="Reset"/>. Undefined (null, never fires) for k &lt; n
/// (<see cref="UndefinedReason.TooFewValues"/>) or when the window maximum is ≤ 0
/// (<see cref="UndefinedReason.NonPositiveMaximum"/>). Exact for any finite values: max − min is taken on the halves
/// where it would overflow. Cost: O(1) amortised per value (the max and min are merged, never rescanned), O(n) memory.
/// </remarks>
public sealed class HallCriterion : IStoppingCriterion
{
    private const string Kind = "hall";
    private readonly WindowedCore<MinMaxAggregate> _core;

    /// <summary>Initializes a new instance of the <see cref="HallCriterion"/> class.</summary>
    /// <param name="options">The window n and threshold τ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2, τ not a finite number &gt; 0, or an undefined policy.</exception>
    public HallCriterion(HallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new WindowedCore<MinMaxAggregate>(
            new CriterionCore(Kind, options.NonFinite, options.Threshold, StopReason.ThresholdReached, options.ToJson()),
            options.Window);
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public HallOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>hall</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.Core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is H_k, null while undefined.</remarks>
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

        MinMaxAggregate range = _core.Aggregate;
        if (!(range.Max > 0))
        {
            return _core.Core.Undefined(UndefinedReason.NonPositiveMaximum);
        }

        double hall = RelativeRange(range.Max, range.Min);
        return _core.Core.Decide(hall, hall < Options.Threshold);
    }

    /// <inheritdoc/>
    public void Reset() => _core.Reset();

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, <c>window</c>, <c>frontCount</c>.</remarks>
    public JsonObject SaveState() => _core.Save();

    /// <inheritdoc/>
    public void RestoreState(JsonObject state) => _core.Restore(state);

    /// <summary>(max − min) / max for max &gt; 0. The difference overflows only when max &gt; 0 &gt; min with
    /// max − min above about 1.8e308; it is then taken on the halves (exact for such values), so the answer is the
    /// correctly rounded ratio, +Infinity only where the ratio itself exceeds double's range.</summary>
    private static double RelativeRange(double max, double min)
    {
        double range = max - min;
        return double.IsFinite(range) ? range / max : (((0.5 * max) - (0.5 * min)) / max) * 2;
    }
}
