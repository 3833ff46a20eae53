using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dvar.Cli.Tests.Support;

/// <summary><c>dvar</c> in a process of its own (the built <c>dvar.dll</c> under <c>dotnet</c>), for what needs a second
/// process: locks held by another process id, SIGINT, a killed run.</summary>
internal sealed class ChildDvar : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _errorLines = [];
    private readonly Task<string> _output;
    private readonly List<string> _seen = [];

    public ChildDvar(params string[] args)
        : this(new Dictionary<string, string>(), args)
    {
    }

    /// <summary>Starts <c>dvar</c> with these environment variables set (and <c>JOB_COMPLETION_INDEX</c> and
    /// <c>SLURM_ARRAY_TASK_ID</c> removed unless given, so that the test's own environment cannot choose a manifest entry).</summary>
    public ChildDvar(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("JOB_COMPLETION_INDEX");
        start.Environment.Remove("SLURM_ARRAY_TASK_ID");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.StandardInput.Close();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _errorLines.CompleteAdding();
            }
            else
            {
                _errorLines.Add(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _output = _process.StandardOutput.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <summary>Standard error so far, as far as <see cref="WaitForErrorLine"/> has read it.</summary>
    public string ErrorSoFar => string.Join('\n', _seen);

    /// <summary>Waits for a line on standard error that satisfies the predicate.</summary>
    public string WaitForErrorLine(Func<string, bool> predicate, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (!_errorLines.TryTake(out var line, TimeSpan.FromMilliseconds(100)))
            {
                Assert.False(_errorLines.IsCompleted, $"dvar ended before the line came (exit {ExitCodeIfExited()}): {ErrorSoFar}");
                continue;
            }

            _seen.Add(line);
            if (predicate(line))
            {
                return line;
            }
        }

        Assert.Fail($"No such line on dvar's standard error within {timeout}: {ErrorSoFar}");
        return string.Empty;
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends.</summary>
    public void Interrupt()
    {
        // bash's kill builtin: the Debian 13 root the tests run in has no kill binary.
        using var kill = Process.Start("bash", ["-c", $"kill -INT {_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Sends SIGTERM, what a scheduler (Kubernetes, Slurm) sends to preempt a job.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("bash", ["-c", $"kill -TERM {_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process (SIGKILL): no handler runs, nothing is written.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Waits for the exit and returns the exit code, standard output and the whole standard error.</summary>
    public (int ExitCode, string Output, string Error) WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit(timeout), $"dvar did not exit within {timeout}");
        _process.WaitForExit(); // drains the asynchronous standard error reader
        _seen.AddRange(_errorLines.GetConsumingEnumerable());
        return (_process.ExitCode, _output.GetAwaiter().GetResult(), ErrorSoFar);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _errorLines.Dispose();
    }

    private string ExitCodeIfExited() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "running";
}
