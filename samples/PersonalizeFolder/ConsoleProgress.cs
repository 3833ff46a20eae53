using System.Globalization;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace PersonalizeFolder;

/// <summary>Prints the trainer's progress every <c>every</c> steps (the trainer reports after every step, synchronously).</summary>
internal sealed class ConsoleProgress(int every) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Step % every != 0 && value.Step != value.MaxSteps)
        {
            return;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"step {value.Step}/{value.MaxSteps}  train loss {Text(value.TrainingLoss)}  L_det {Text(value.DeterministicLoss)}  DVAR ratio {Text(value.Statistic)}  elapsed {value.Elapsed:hh\\:mm\\:ss}"));
    }

    private static string Text(double? value) => value?.ToString("G4", CultureInfo.InvariantCulture) ?? "-";
}
