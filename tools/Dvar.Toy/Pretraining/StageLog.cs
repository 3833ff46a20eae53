using System.Diagnostics;
using System.Globalization;

namespace Dvar.Toy.Pretraining;

/// <summary>Prints a stage's progress with the elapsed time, and remembers the lines for the stage's record.</summary>
internal sealed class StageLog
{
    private readonly string _stage;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Starts the stage's clock.</summary>
    /// <param name="stage">The stage's name.</param>
    public StageLog(string stage) => _stage = stage;

    /// <summary>Gets the time since the stage started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Prints a line.</summary>
    /// <param name="message">The line.</param>
    public void Write(FormattableString message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_stage} {_clock.Elapsed.TotalSeconds,7:F1}s] ") + message.ToString(CultureInfo.InvariantCulture));
}
