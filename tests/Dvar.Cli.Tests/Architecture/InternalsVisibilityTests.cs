using System.Reflection;
using System.Runtime.CompilerServices;

namespace Dvar.Cli.Tests.Architecture;

/// <summary>The libraries ship as separate NuGet packages (and the CLI as a tool): an assembly that uses another's
/// internals fails with <c>MissingMethodException</c> when only one of them is upgraded. Helpers they share are compiled
/// into each from the same source file instead (<c>Compile Include ... Link</c>), or are public API.</summary>
public sealed class InternalsVisibilityTests
{
    public static TheoryData<string> ShippedAssemblies => ["Dvar.Stopping.dll", "Dvar.Stopping.TorchSharp.dll", "Dvar.Demo.dll", "dvar.dll"];

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void ShippedAssembly_ShowsItsInternalsOnlyToTestsAndBenchmarks(string assembly)
    {
        var friends = Friends(assembly);

        var shipped = friends.Where(f => !f.EndsWith(".Tests", StringComparison.Ordinal) && !f.EndsWith(".Benchmarks", StringComparison.Ordinal));
        Assert.Empty(shipped);
    }

    [Fact]
    public void Friends_ReadsTheAttributesTheProjectsDeclare()
    {
        // The core does grant its tests access: if this read nothing, the theory above would pass vacuously.
        Assert.Contains("Dvar.Stopping.Tests", Friends("Dvar.Stopping.dll"));
        Assert.Contains("Dvar.Cli.Tests", Friends("dvar.dll"));
    }

    private static string[] Friends(string assembly) =>
        [.. Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, assembly))
            .GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName.Split(',')[0].Trim())];
}
