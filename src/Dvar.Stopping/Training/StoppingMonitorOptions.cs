using Dvar.Stopping.Diagnostics;

namespace Dvar.Stopping.Training;

/// <summary>How a <see cref="StoppingMonitor"/> keeps its history and how often it logs.</summary>
/// <remarks>Immutable; validated once, by the <see cref="StoppingMonitor"/> constructor.</remarks>
public sealed record StoppingMonitorOptions
{
    /// <summary>The most recent steps kept in <see cref="StoppingMonitor.History"/>, or null to keep every step.</summary>
    /// <value>Null (keep all, the default) or at least 1. Each kept step costs one small <see cref="MonitorRecord"/>
    /// (96 bytes on x64): a 100,000-step run keeps about 10 MB.</value>
    public int? HistoryCapacity { get; init; }

    /// <summary>Logs every <c>LogEvery</c>-th observed step at Information level (the N-th, 2N-th, ... call).</summary>
    /// <value>At least 1. Default 50. The stop and non-finite losses are always logged, whatever this value.</value>
    public int LogEvery { get; init; } = 50;

    /// <summary>The defaults: keep every step, log every 50th.</summary>
    public static StoppingMonitorOptions Default { get; } = new();

    /// <summary>Checks every value; called by the <see cref="StoppingMonitor"/> constructor.</summary>
    /// <remarks>Public so that options which hold a <see cref="StoppingMonitorOptions"/> (the TorchSharp package's trainer
    /// options) can reject a bad value before any work starts, from another package.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; <c>ParamName</c> is the property name.</exception>
    public void Validate()
    {
        if (HistoryCapacity is { } capacity)
        {
            Guard.AtLeast(capacity, 1, nameof(HistoryCapacity));
        }

        Guard.AtLeast(LogEvery, 1, nameof(LogEvery));
    }
}
