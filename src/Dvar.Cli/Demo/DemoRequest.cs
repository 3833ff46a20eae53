using Dvar.Cli.Output;
using Dvar.Cli.Training;

namespace Dvar.Cli.Demo;

/// <summary>What <c>dvar demo</c> runs.</summary>
internal sealed record DemoRequest
{
    /// <summary>Gets the methods, in run order.</summary>
    public required IReadOnlyList<TrainMethod> Methods { get; init; }

    /// <summary>Gets the number of held-out concepts (1 to 3).</summary>
    public int Concepts { get; init; } = 2;

    /// <summary>Gets the step budget, or null for the recipes'.</summary>
    public int? Budget { get; init; }

    /// <summary>Gets the output folder.</summary>
    public required string Output { get; init; }

    /// <summary>Gets the number of jobs run side by side.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Gets the training seed.</summary>
    public long Seed { get; init; }

    /// <summary>Gets the assets folder, or null for the shipped one.</summary>
    public string? Assets { get; init; }

    /// <summary>Gets whether an earlier demo in <see cref="Output"/> may be replaced (<c>--overwrite</c>).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Gets the output format of the printed summary.</summary>
    public OutputFormat Format { get; init; }
}
