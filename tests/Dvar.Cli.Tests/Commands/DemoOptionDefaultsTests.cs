using System.Globalization;
using Dvar.Cli.Demo;
using Dvar.Cli.Tests.Support;
using Dvar.Cli.Training;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar demo --help</c> prints the defaults the demo runs with.</summary>
public sealed class DemoOptionDefaultsTests
{
    [Fact]
    public void Help_PrintsTheBudgetConceptsAndWorkersTheDemoUses()
    {
        var run = CliRun.Of(["demo", "--help"]);
        Assert.Equal(0, run.ExitCode);
        string help = run.Output.ReplaceLineEndings(" ");
        var c = CultureInfo.InvariantCulture;

        // Every method's recipe trains the same budget, the one the help names (it once said 1000 while the runs took 2000).
        int budget = DemoRecipe.For(TrainMethod.TextualInversion).Budget;
        Assert.All(Enum.GetValues<TrainMethod>(), m => Assert.Equal(budget, DemoRecipe.For(m).Budget));
        Assert.Contains(string.Create(c, $"every run (default {budget};"), help, StringComparison.Ordinal);
        var request = new DemoRequest { Methods = [], Output = "demo-out" };
        Assert.Contains(string.Create(c, $"(default {request.Concepts})"), help, StringComparison.Ordinal);
        Assert.Contains(string.Create(c, $"(default {request.Workers},"), help, StringComparison.Ordinal);
    }
}
