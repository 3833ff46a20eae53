using System.Globalization;
using System.Text.Json.Nodes;
using Dvar.Stopping.State;

namespace Dvar.Stopping.Criteria;

/// <summary>The life cycle every single-statistic criterion shares: counting, the non-finite policy, stickiness, and the
/// common fields of its state document. Each criterion owns one and keeps only its statistics.</summary>
/// <remarks>
/// A criterion's <c>Observe</c> reads: <see cref="TryAdmit"/> (guard non-finite values; count a finite one), update its
/// statistics, then <see cref="Undefined"/> (saying why there is no statistic) or <see cref="Decide"/> (crossed?
/// sticky). Nothing here allocates per value: decisions are structs and <see cref="StopDecision.FiredBy"/> is the
/// criterion's name, stored once.
/// </remarks>
internal sealed class CriterionCore
{
    private readonly string _name;
    private readonly NonFinitePolicy _policy;
    private readonly double _threshold;
    private readonly StopReason _firingReason;
    private readonly JsonObject _options;

    /// <summary>Initializes the core of a criterion named <paramref name="name"/>.</summary>
    /// <param name="name">The criterion's <see cref="IStoppingCriterion.Name"/> (also its state kind).</param>
    /// <param name="policy">The non-finite policy.</param>
    /// <param name="threshold">The threshold reported in every decision.</param>
    /// <param name="firingReason">The reason reported when the statistic crosses the threshold.</param>
    /// <param name="options">The options as stored in the state document.</param>
    public CriterionCore(string name, NonFinitePolicy policy, double threshold, StopReason firingReason, JsonObject options)
    {
        _name = name;
        _policy = policy;
        _threshold = threshold;
        _firingReason = firingReason;
        _options = options;
    }

    /// <summary>Gets the number of finite values admitted (k).</summary>
    public long Observations { get; private set; }

    /// <summary>Gets a value indicating whether the criterion has fired (sticky until <see cref="Reset"/>).</summary>
    public bool HasFired => Reason != StopReason.None;

    /// <summary>Gets the reason the criterion fired with, or <see cref="StopReason.None"/>.</summary>
    public StopReason Reason { get; private set; }

    /// <summary>Counts a finite value, or applies the non-finite policy to a NaN or ±Infinity.</summary>
    /// <param name="value">The value offered.</param>
    /// <param name="decision">For a non-finite value, the decision to return; the value never enters the history.</param>
    /// <param name="bestObservation">The best observation to report in that decision, if the criterion tracks one.</param>
    /// <returns>True when the value is finite and counted (k grew by one); false when <paramref name="decision"/> answers it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The value is not finite and the policy is <see cref="NonFinitePolicy.Throw"/>.</exception>
    public bool TryAdmit(double value, out StopDecision decision, long? bestObservation = null)
    {
        if (double.IsFinite(value))
        {
            Observations++;
            decision = default;
            return true;
        }

        if (_policy == NonFinitePolicy.Throw)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                $"Criterion '{_name}' received {value.ToString(CultureInfo.InvariantCulture)} after observation {Observations}; "
                + $"its non-finite policy is {nameof(NonFinitePolicy.Throw)}.");
        }

        if (!HasFired && _policy == NonFinitePolicy.Stop)
        {
            Reason = StopReason.NonFiniteValue;
        }

        decision = HasFired
            ? Decision(null, bestObservation, UndefinedReason.NonFiniteValue)
            : new StopDecision(false, Observations, null, _threshold, StopReason.NonFiniteIgnored, null, bestObservation, UndefinedReason.NonFiniteValue);
        return false;
    }

    /// <summary>Returns the decision for the value just admitted, firing when the defined statistic has crossed.</summary>
    /// <param name="statistic">The statistic at k, or null while undefined (never fires).</param>
    /// <param name="crossed">Whether the statistic satisfies the firing condition.</param>
    /// <param name="bestObservation">The best observation so far, if the criterion tracks one.</param>
    /// <returns>The decision; after firing, ShouldStop stays true with the reason it fired with.</returns>
    public StopDecision Decide(double? statistic, bool crossed, long? bestObservation = null)
    {
        if (!HasFired && statistic.HasValue && crossed)
        {
            Reason = _firingReason;
        }

        return Decision(statistic, bestObservation, UndefinedReason.None);
    }

    /// <summary>Returns the decision for the value just admitted when the statistic is undefined (it never fires).</summary>
    /// <param name="why">Why the statistic is undefined (not <see cref="UndefinedReason.None"/>).</param>
    /// <returns>The decision, with a null statistic and <paramref name="why"/>.</returns>
    public StopDecision Undefined(UndefinedReason why) => Decision(null, null, why);

    /// <summary>Forgets the count and the fired flag.</summary>
    public void Reset()
    {
        Observations = 0;
        Reason = StopReason.None;
    }

    /// <summary>Starts this criterion's state document with the header, the count and the fired flag.</summary>
    /// <returns>The document; the criterion adds its statistics' fields.</returns>
    public JsonObject Save()
    {
        JsonObject state = CriterionState.Create(_name, _options.DeepClone().AsObject());
        CriterionState.WriteProgress(state, Observations, Reason);
        return state;
    }

    /// <summary>Checks the header of <paramref name="state"/> and reads the common fields, changing nothing.</summary>
    /// <param name="state">The document.</param>
    /// <returns>The common fields, for <see cref="Apply"/> once the criterion has read its own.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">The header or a common field is rejected; the message names the field.</exception>
    public (long Observations, StopReason Reason) Read(JsonObject state)
    {
        CriterionState.CheckHeader(state, _name, _options);
        return CriterionState.ReadProgress(state);
    }

    /// <summary>Applies the common fields returned by <see cref="Read"/>.</summary>
    /// <param name="common">The count and the reason.</param>
    public void Apply((long Observations, StopReason Reason) common)
    {
        Observations = common.Observations;
        Reason = common.Reason;
    }

    private StopDecision Decision(double? statistic, long? bestObservation, UndefinedReason undefined) => HasFired
        ? new StopDecision(true, Observations, statistic, _threshold, Reason, _name, bestObservation, undefined)
        : new StopDecision(false, Observations, statistic, _threshold, StopReason.None, null, bestObservation, undefined);
}
