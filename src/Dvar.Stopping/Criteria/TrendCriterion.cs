using System.Text.Json.Nodes;
using Dvar.Stopping.State;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when the least-squares slope of the last n values is close to zero (the paper's Trend criterion).</summary>
/// <remarks>
/// For k ≥ n: <c>slope_k = Σ_i (i − ī)(x_{k−n+1+i} − x̄) / Σ_i (i − ī)²</c> for positions i = 0..n−1, ī = (n − 1)/2,
/// so the denominator is n(n² − 1)/12. Fires at the first k with <c>|slope_k| &lt; τ</c>; sticky until
/// <see cref="Reset"/>. Undefined (null) for k &lt; n. Source: Appendix E of the paper. Cost: O(1) amortised per value
/// (the co-moment is merged from summaries of the values in the window, never updated by subtraction), O(n) memory.
/// </remarks>
public sealed class TrendCriterion : IStoppingCriterion
{
    private const string Kind = "trend";
    private readonly CriterionCore _core;
    private readonly SlidingWindow<SlopeAggregate> _window;

    /// <summary>Initializes a new instance of the <see cref="TrendCriterion"/> class.</summary>
    /// <param name="options">The window n and threshold τ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2, τ not a finite number &gt; 0, or an undefined policy.</exception>
    public TrendCriterion(TrendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new CriterionCore(Kind, options.NonFinite, options.Threshold, StopReason.ThresholdReached, options.ToJson());
        _window = new SlidingWindow<SlopeAggregate>(options.Window);
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public TrendOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>trend</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is |slope_k|, null while undefined.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdmit(value, out StopDecision rejected))
        {
            return rejected;
        }

        _window.Add(value);
        double? slope = _window.IsFull ? Math.Abs(_window.Aggregate.Slope) : null;
        return _core.Decide(slope, slope < Options.Threshold);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _core.Reset();
        _window.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, <c>window</c>, <c>frontCount</c>.</remarks>
    public JsonObject SaveState()
    {
        JsonObject state = _core.Save();
        WindowState.Write(state, _window);
        return state;
    }

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        var common = _core.Read(state);
        var window = WindowState.Read(state, Options.Window, common.Observations);
        _core.Apply(common);
        _window.Load(window.Values, window.FrontCount);
    }
}
