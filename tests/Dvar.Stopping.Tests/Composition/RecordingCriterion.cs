using System.Text.Json.Nodes;

namespace Dvar.Stopping.Tests.Composition;

/// <summary>A test double that records the values it is fed, fires at a given observation, and can throw on NaN.</summary>
internal sealed class RecordingCriterion(string name, long fireAt, bool throwOnNaN = false) : IStoppingCriterion
{
    public List<double> Seen { get; } = [];

    public string Name => name;

    public long Observations { get; private set; }

    public bool HasFired => Observations >= fireAt;

    public StopDecision Observe(double value)
    {
        Seen.Add(value);
        if (double.IsNaN(value) && throwOnNaN)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "NaN");
        }

        Observations += double.IsFinite(value) ? 1 : 0;
        return new StopDecision(HasFired, Observations, Observations, fireAt, HasFired ? StopReason.ThresholdReached : StopReason.None, HasFired ? name : null);
    }

    public void Reset() => Observations = 0;

    public JsonObject SaveState() => [];

    public void RestoreState(JsonObject state)
    {
    }
}
