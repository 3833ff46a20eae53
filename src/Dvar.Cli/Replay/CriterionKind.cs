namespace Dvar.Cli.Replay;

/// <summary>The criteria <c>dvar replay</c> can build (the values of <c>--criterion</c>).</summary>
internal enum CriterionKind
{
    /// <summary><c>dvar</c>: DVAR, the rolling-to-global variance ratio.</summary>
    Dvar,

    /// <summary><c>ema</c>: the relative change of an exponential moving average over a lag.</summary>
    Ema,

    /// <summary><c>hall</c>: the rolling range relative to the rolling maximum.</summary>
    Hall,

    /// <summary><c>trend</c>: the least-squares slope over a window.</summary>
    Trend,

    /// <summary><c>patience</c>: no improvement of a score for more than a number of observations.</summary>
    Patience,

    /// <summary><c>fixed</c>: a fixed budget of observations.</summary>
    Fixed,

    /// <summary><c>clip-s</c> (<c>dvar train</c> only): the paper's CLIP-s baseline, patience on the CLIP image score of
    /// samples drawn every F steps.</summary>
    ClipS,
}
