using System.Text.Json.Nodes;
using Dvar.Stopping.State;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when the exponential moving average of the loss has changed by less than a fraction τ over n
/// observations (the paper's EMA percentile).</summary>
/// <remarks>
/// <c>EMA_1 = x_1</c>, <c>EMA_k = a·x_k + (1 − a)·EMA_{k−1}</c> (no bias correction). For k &gt; n:
/// <c>M_k = (EMA_k − EMA_{k−n}) / EMA_{k−n}</c>. Fires at the first k with <c>|M_k| &lt; τ</c>; sticky until
/// <see cref="Reset"/>. Undefined (null, never fires) for k ≤ n (<see cref="UndefinedReason.TooFewValues"/>) or when
/// <c>EMA_{k−n} = 0</c> (<see cref="UndefinedReason.ZeroReference"/>). Source: Appendix E of the paper (a = 0.1). Exact
/// for any finite values: the EMA is a convex combination (it cannot leave the values' range) and the difference is
/// taken on the halves where it would overflow. Cost: O(1) per value, O(n) memory (the last n + 1 EMA values).
/// </remarks>
public sealed class EmaPercentileCriterion : IStoppingCriterion
{
    private const string Kind = "ema";
    private readonly CriterionCore _core;
    private readonly EmaHistory _ema;

    /// <summary>Initializes a new instance of the <see cref="EmaPercentileCriterion"/> class.</summary>
    /// <param name="options">The lag n, smoothing a and threshold τ.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1, a outside (0, 1], τ not a finite number &gt; 0, or an
    /// undefined policy; the parameter name is the option's.</exception>
    public EmaPercentileCriterion(EmaPercentileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new CriterionCore(Kind, options.NonFinite, options.Threshold, StopReason.ThresholdReached, options.ToJson());
        _ema = new EmaHistory(options.Lag, options.Smoothing);
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public EmaPercentileOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>ema</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is |M_k|, null while undefined.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdmit(value, out StopDecision rejected))
        {
            return rejected;
        }

        _ema.Add(value);
        if (!_ema.HasLagged)
        {
            return _core.Undefined(UndefinedReason.TooFewValues);
        }

        double lagged = _ema.Lagged;
        if (lagged == 0)
        {
            return _core.Undefined(UndefinedReason.ZeroReference);
        }

        double change = RelativeChange(_ema.Current, lagged);
        return _core.Decide(change, change < Options.Threshold);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _core.Reset();
        _ema.Clear();
    }

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, and <c>emas</c>: EMA_{k−n..k}
    /// (fewer while k ≤ n), oldest first.</remarks>
    public JsonObject SaveState()
    {
        JsonObject state = _core.Save();
        state["emas"] = WindowState.Values(_ema.ToArray());
        return state;
    }

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        var common = _core.Read(state);
        int capacity = Options.Lag + 1;
        double[] emas = StateReader.ReadDoubles(state, "emas", capacity);
        if (emas.Length != Math.Min(common.Observations, capacity))
        {
            throw new FormatException(
                $"emas: expected min(observations, {capacity}) = {Math.Min(common.Observations, capacity)} values, got {emas.Length}.");
        }

        _core.Apply(common);
        _ema.Load(emas);
    }

    /// <summary>|(current − lagged) / lagged| for lagged ≠ 0. The difference overflows only for values of opposite signs
    /// near ±1.8e308; it is then taken on the halves (exact for such values), so the answer is the correctly rounded
    /// ratio, +Infinity only where the ratio itself exceeds double's range.</summary>
    private static double RelativeChange(double current, double lagged)
    {
        double change = current - lagged;
        return Math.Abs(double.IsFinite(change) ? change / lagged : (((0.5 * current) - (0.5 * lagged)) / lagged) * 2);
    }
}
