namespace Dvar.Cli.Demo;

/// <summary>The three ways the demo ends a training run, as the rows of the paper's Table 1.</summary>
internal enum DemoRunKind
{
    /// <summary>"Baseline": the whole fixed budget.</summary>
    Budget,

    /// <summary>"CLIP-s": stop when the periodic samples' train image score stops improving (keep the best).</summary>
    ClipS,

    /// <summary>"DVAR": stop when the deterministic loss has settled.</summary>
    Dvar,
}
