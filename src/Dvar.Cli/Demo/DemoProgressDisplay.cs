using System.Diagnostics;
using System.Globalization;
using Dvar.Cli.Output;
using Dvar.Cli.Training;

namespace Dvar.Cli.Demo;

/// <summary>The demo's live line: elapsed time, jobs done, and the phase and step of every running job. Thread-safe: the
/// jobs report from their worker threads.</summary>
/// <remarks>On a terminal the line is redrawn at most five times a second; redirected, a line is printed every 10 seconds and
/// whenever a job ends.</remarks>
internal sealed class DemoProgressDisplay
{
    private readonly ProgressLine _line;
    private readonly bool _terminal;
    private readonly Stopwatch _clock;
    private readonly int _jobs;
    private readonly Dictionary<string, DemoJobProgress> _running = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private int _done;
    private TimeSpan _lastShown = TimeSpan.FromDays(-1);

    /// <summary>Creates the display.</summary>
    /// <param name="line">Where the line goes.</param>
    /// <param name="terminal">Whether standard error is a terminal.</param>
    /// <param name="clock">The demo's clock.</param>
    /// <param name="jobs">The number of jobs.</param>
    public DemoProgressDisplay(ProgressLine line, bool terminal, Stopwatch clock, int jobs)
    {
        _line = line;
        _terminal = terminal;
        _clock = clock;
        _jobs = jobs;
    }

    /// <summary>Records a job's progress.</summary>
    /// <param name="progress">The job's phase and step.</param>
    public void Report(DemoJobProgress progress)
    {
        lock (_lock)
        {
            _running[progress.Job] = progress;
            Show(milestone: false);
        }
    }

    /// <summary>Records that a job ended.</summary>
    /// <param name="job">The job's name.</param>
    /// <param name="summary">A short result, e.g. "DVAR stopped at 143".</param>
    public void Done(string job, string summary)
    {
        lock (_lock)
        {
            _running.Remove(job);
            _done++;
            _line.Show(Text($"done: {job}: {summary}"), milestone: true);
            if (_terminal)
            {
                _line.End();
            }
        }
    }

    /// <summary>Ends the line.</summary>
    public void End()
    {
        lock (_lock)
        {
            _line.End();
        }
    }

    private void Show(bool milestone)
    {
        var now = _clock.Elapsed;
        var interval = _terminal ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(10);
        if (!milestone && now - _lastShown < interval)
        {
            return;
        }

        _lastShown = now;
        string jobs = string.Join(" | ", _running.Values.Select(p => p.MaxSteps > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Job} {p.Phase} {p.Step}/{p.MaxSteps}")
            : $"{p.Job} {p.Phase}"));
        _line.Show(Text(jobs), milestone: !_terminal);
    }

    private string Text(string detail) =>
        string.Create(CultureInfo.InvariantCulture, $"demo {TrainingProgressDisplay.Duration(_clock.Elapsed)}  jobs {_done}/{_jobs}  {detail}");
}
