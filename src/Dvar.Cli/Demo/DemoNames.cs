namespace Dvar.Cli.Demo;

/// <summary>The names the demo writes for its run kinds (folder names, table rows, JSON keys).</summary>
internal static class DemoNames
{
    /// <summary>The short name of a run kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><c>budget</c>, <c>clip-s</c> or <c>dvar</c>.</returns>
    public static string Of(DemoRunKind kind) => kind switch
    {
        DemoRunKind.Budget => "budget",
        DemoRunKind.ClipS => "clip-s",
        DemoRunKind.Dvar => "dvar",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown run kind."),
    };

    /// <summary>The table label of a run kind, as the paper's Table 1 names the rows.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>The label.</returns>
    public static string Label(DemoRunKind kind) => kind switch
    {
        DemoRunKind.Budget => "Baseline (budget)",
        DemoRunKind.ClipS => "CLIP-s analogue",
        DemoRunKind.Dvar => "DVAR",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown run kind."),
    };
}
