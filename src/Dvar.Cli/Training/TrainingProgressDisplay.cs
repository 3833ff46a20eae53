using System.Globalization;
using Dvar.Cli.Output;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Cli.Training;

/// <summary>Shows a <see cref="PersonalizationTrainer"/>'s progress: step/cap, training loss, L_det, the criterion's
/// statistic against its threshold, elapsed time and the time left to the step cap.</summary>
/// <remarks>The trainer reports synchronously after every step; L_det and the statistic keep their last values between
/// evaluations. Redirected, a line is printed at step 0, every <c>every</c> steps and at the cap.</remarks>
internal sealed class TrainingProgressDisplay : IProgress<TrainingProgress>
{
    private readonly ProgressLine _line;
    private readonly int _every;
    private readonly string _criterion;
    private readonly string _threshold;
    private double? _deterministicLoss;
    private double? _statistic;

    /// <summary>Creates the display.</summary>
    /// <param name="line">Where the lines go.</param>
    /// <param name="every">Print a redirected line every this many steps (at least 1).</param>
    /// <param name="criterion">The criterion's name (e.g. <c>dvar</c>).</param>
    /// <param name="threshold">The threshold the statistic is compared with, or null when the criterion has none to show.</param>
    public TrainingProgressDisplay(ProgressLine line, int every, string criterion, double? threshold)
    {
        _line = line;
        _every = every;
        _criterion = criterion;
        _threshold = threshold is { } t ? t.ToString("G4", CultureInfo.InvariantCulture) : "-";
    }

    /// <inheritdoc/>
    public void Report(TrainingProgress value)
    {
        _deterministicLoss = value.DeterministicLoss ?? _deterministicLoss;
        _statistic = value.Statistic ?? _statistic;
        string text = string.Create(
            CultureInfo.InvariantCulture,
            $"step {value.Step}/{value.MaxSteps}  loss {Number(value.TrainingLoss)}  L_det {Number(_deterministicLoss)}  {_criterion} {Number(_statistic)} vs {_threshold}  elapsed {Duration(value.Elapsed)}  ETA {(value.EstimatedRemaining is { } eta ? Duration(eta) : "-")}");
        _line.Show(text, value.Step % _every == 0 || value.Step == value.MaxSteps);
    }

    /// <summary>Formats a duration as <c>h:mm:ss</c>.</summary>
    /// <param name="time">The duration.</param>
    /// <returns>The text.</returns>
    public static string Duration(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}");

    private static string Number(double? value) => value is { } v ? v.ToString("G4", CultureInfo.InvariantCulture) : "-";
}
