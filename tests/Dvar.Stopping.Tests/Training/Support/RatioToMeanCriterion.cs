using System.Globalization;
using System.Text.Json.Nodes;

namespace Dvar.Stopping.Tests.Training.Support;

/// <summary>A small stateful criterion for the monitor's tests: statistic x_k / mean(x_1..k) from k = 2, fires when it
/// is below the threshold; non-finite values follow <see cref="NonFinitePolicy"/>. Its state is (count, sum, fired),
/// so a monitor restored without its criterion state would give different statistics.</summary>
internal sealed class RatioToMeanCriterion(double threshold, NonFinitePolicy policy = NonFinitePolicy.Stop) : IStoppingCriterion
{
    private double _sum;

    public string Name => "ratioToMean";

    public long Observations { get; private set; }

    public bool HasFired { get; private set; }

    public StopDecision Observe(double value)
    {
        if (!double.IsFinite(value))
        {
            switch (policy)
            {
                case NonFinitePolicy.Throw:
                    throw new ArgumentOutOfRangeException(nameof(value), value, "not finite");
                case NonFinitePolicy.Ignore:
                    return new StopDecision(HasFired, Observations, null, threshold, HasFired ? StopReason.ThresholdReached : StopReason.NonFiniteIgnored);
                default:
                    HasFired = true;
                    return new StopDecision(true, Observations, null, threshold, StopReason.NonFiniteValue, Name);
            }
        }

        Observations++;
        _sum += value;
        double? statistic = Observations >= 2 ? value / (_sum / Observations) : null;
        HasFired |= statistic < threshold;
        return new StopDecision(HasFired, Observations, statistic, threshold, HasFired ? StopReason.ThresholdReached : StopReason.None, HasFired ? Name : null);
    }

    public void Reset()
    {
        Observations = 0;
        _sum = 0;
        HasFired = false;
    }

    public JsonObject SaveState() => new()
    {
        ["kind"] = Name,
        ["observations"] = Observations,
        ["sum"] = _sum.ToString("R", CultureInfo.InvariantCulture), // may be infinite: JSON numbers cannot be
        ["fired"] = HasFired,
    };

    public void RestoreState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if ((string?)state["kind"] != Name)
        {
            throw new FormatException("Field 'kind' differs.");
        }

        Observations = (long)state["observations"]!;
        _sum = double.Parse((string)state["sum"]!, CultureInfo.InvariantCulture);
        HasFired = (bool)state["fired"]!;
    }
}
