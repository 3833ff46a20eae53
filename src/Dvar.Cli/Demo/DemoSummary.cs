namespace Dvar.Cli.Demo;

/// <summary>What a whole demo measured.</summary>
/// <param name="Folder">The output folder.</param>
/// <param name="Results">The jobs' results, in job order.</param>
/// <param name="Table">The Table-1-style rows.</param>
/// <param name="Checks">The claims, checked.</param>
/// <param name="WallTime">The whole demo's wall time.</param>
/// <param name="Budget">The step budget.</param>
/// <param name="Seed">The training seed.</param>
/// <param name="Workers">Jobs run side by side.</param>
/// <param name="TorchThreads">libtorch threads per worker.</param>
/// <param name="OverlayPath">The train-loss overlay figure.</param>
internal sealed record DemoSummary(
    string Folder,
    IReadOnlyList<DemoJobResult> Results,
    IReadOnlyList<DemoTableRow> Table,
    IReadOnlyList<DemoCheck> Checks,
    TimeSpan WallTime,
    int Budget,
    long Seed,
    int Workers,
    int TorchThreads,
    string OverlayPath);
