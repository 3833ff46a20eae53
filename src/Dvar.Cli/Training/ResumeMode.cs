namespace Dvar.Cli.Training;

/// <summary>What <c>--resume</c> asks for: nothing (absent), the newest checkpoint (<c>--resume</c>), or whatever the folder
/// calls for (<c>--resume auto</c>, see <see cref="AutoResume"/>).</summary>
internal enum ResumeMode
{
    /// <summary>No <c>--resume</c>: a folder holding an earlier run is refused (unless <c>--overwrite</c>).</summary>
    None,

    /// <summary><c>--resume</c>: continue from the newest checkpoint; there must be one.</summary>
    Checkpoint,

    /// <summary><c>--resume auto</c>: continue a checkpoint of the same options, start when the folder holds no run, exit 0
    /// when it holds the finished run of the same options, refuse anything else.</summary>
    Auto,
}
