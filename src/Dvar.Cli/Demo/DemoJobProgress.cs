namespace Dvar.Cli.Demo;

/// <summary>Where a demo job is: its name, the phase (a run kind or the scoring of the untrained token) and the step.</summary>
/// <param name="Job">The job, e.g. "textual-inversion purple-triangle".</param>
/// <param name="Phase">"init", "budget", "clip-s" or "dvar".</param>
/// <param name="Step">The step of the running phase.</param>
/// <param name="MaxSteps">The phase's step cap.</param>
internal readonly record struct DemoJobProgress(string Job, string Phase, long Step, long MaxSteps);
