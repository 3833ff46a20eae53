
namespace Dvar.Cli.Tests.Interleaving;

/// <summary>How a <c>dvar train</c> run treats its <c>--out</c> folder.</summary>
public enum FolderOperationKind
{
    /// <summary>A plain start.</summary>
    Start,

    /// <summary><c>--resume</c>.</summary>
    Resume,

    /// <summary><c>--overwrite</c>.</summary>
    Overwrite,
}
