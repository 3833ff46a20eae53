using System.Text.Json.Nodes;
using Dvar.Stopping.State;

namespace Dvar.Stopping.Criteria;

/// <summary>Stops when an external score to maximise (e.g. the CLIP image similarity of samples) has not improved for
/// more than <c>patience</c> consecutive observations (the paper's "CLIP-s" baseline).</summary>
/// <remarks>
/// The first observation sets the best. Observation k improves if <c>x_k &gt; best + ε</c>: it becomes the best and the
/// miss count resets to 0; otherwise the miss count grows by one. Fires at the observation where the miss count exceeds
/// <c>patience</c>, i.e. after patience + 1 consecutive misses, as in the authors' code; sticky until <see cref="Reset"/>.
/// The decision's statistic is the miss count, its threshold the patience, and <see cref="StopDecision.BestObservation"/>
/// the index of the best score, since the paper keeps the checkpoint with the best score.
/// </remarks>
public sealed class PatienceCriterion : IStoppingCriterion
{
    private const string Kind = "patience";
    private readonly CriterionCore _core;
    private double _best;
    private long? _bestObservation;
    private long _misses;

    /// <summary>Initializes a new instance of the <see cref="PatienceCriterion"/> class.</summary>
    /// <param name="options">The patience and the minimal improvement ε; see <see cref="PatienceOptions"/> for the paper's presets.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative patience, ε not a finite number ≥ 0, or an undefined
    /// policy; the parameter name is the option's.</exception>
    public PatienceCriterion(PatienceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _core = new CriterionCore(Kind, options.NonFinite, options.Patience, StopReason.PatienceExhausted, options.ToJson());
    }

    /// <summary>Gets the options this criterion was built with.</summary>
    public PatienceOptions Options { get; }

    /// <inheritdoc/>
    /// <value>Always <c>patience</c>.</value>
    public string Name => Kind;

    /// <inheritdoc/>
    public long Observations => _core.Observations;

    /// <inheritdoc/>
    public bool HasFired => _core.HasFired;

    /// <inheritdoc/>
    /// <remarks>The decision's <see cref="StopDecision.Statistic"/> is the number of consecutive misses.</remarks>
    public StopDecision Observe(double value)
    {
        if (!_core.TryAdmit(value, out StopDecision rejected, _bestObservation))
        {
            return rejected;
        }

        if (_bestObservation is null || value > _best + Options.MinDelta)
        {
            _best = value;
            _bestObservation = _core.Observations;
            _misses = 0;
        }
        else
        {
            _misses++;
        }

        return _core.Decide(_misses, _misses > Options.Patience, _bestObservation);
    }

    /// <inheritdoc/>
    public void Reset()
    {
        _core.Reset();
        _best = 0;
        _bestObservation = null;
        _misses = 0;
    }

    /// <inheritdoc/>
    /// <remarks>Fields: the header, <c>observations</c>, <c>fired</c>, <c>reason</c>, and once k ≥ 1 <c>best</c>,
    /// <c>bestObservation</c>, <c>misses</c>.</remarks>
    public JsonObject SaveState()
    {
        JsonObject state = _core.Save();
        if (_bestObservation is not null)
        {
            state["best"] = _best;
            state["bestObservation"] = _bestObservation;
            state["misses"] = _misses;
        }

        return state;
    }

    /// <inheritdoc/>
    public void RestoreState(JsonObject state)
    {
        var common = _core.Read(state);
        double best = 0;
        long? bestObservation = null;
        long misses = 0;
        if (common.Observations > 0)
        {
            best = StateReader.ReadDouble(state, "best");
            bestObservation = StateReader.ReadLong(state, "bestObservation", 1, common.Observations);
            misses = StateReader.ReadLong(state, "misses", common.Observations - bestObservation.Value, common.Observations - bestObservation.Value);
        }

        _core.Apply(common);
        _best = best;
        _bestObservation = bestObservation;
        _misses = misses;
    }
}
