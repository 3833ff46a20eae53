
namespace Dvar.Cli.Tests.Architecture;

/// <summary>TorchSharp 0.107 frees a <c>Scalar</c> in its finalizer, and a Scalar made implicitly from a number is
/// unreachable as soon as its handle is read: the garbage collector may free it while libtorch still reads it. CI crashed
/// twice on this ("Expected false to be true" in <c>Scalar::toDouble</c>, "Unknown scalar type" in <c>sub_</c>). Shipped
/// code therefore holds every Scalar in a <c>using</c> for the whole call (<c>HeldScalar</c>).</summary>
public sealed class ImplicitScalarTests
{
    public static TheoryData<string> ShippedAssemblies => ["Dvar.Stopping.TorchSharp.dll", "Dvar.Demo.dll", "dvar.dll"];

    [Theory]
    [MemberData(nameof(ShippedAssemblies))]
    public void ShippedCode_NeverMakesAScalarThatNothingHolds(string assembly)
    {
        var found = ImplicitScalarScan.Find(Path.Combine(AppContext.BaseDirectory, assembly));

        Assert.True(found.Count == 0, $"{found.Count} implicit Scalars in {assembly}:\n" + string.Join('\n', found));
    }

    [Fact]
    public void Scan_FindsAnImplicitScalarAndANumberOperator()
    {
        // This test assembly's own code (below) must be found, or the scan proves nothing.
        var found = ImplicitScalarScan.Find(typeof(ImplicitScalarTests).Assembly.Location);

        Assert.Contains(found, f => f.Contains("Offenders: Scalar.op_Implicit(System.Double)", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Offenders: Tensor.op_Multiply(Tensor, System.Single)", StringComparison.Ordinal));
        Assert.Contains(found, f => f.Contains("Offenders: Tensor.op_Addition(Tensor, Tensor)", StringComparison.Ordinal));
    }

    /// <summary>Never called: the IL the scan must recognise.</summary>
    internal static TorchSharp.torch.Tensor Offenders(TorchSharp.torch.Tensor t) => (t.div(0.5) * 2f) + t;
}
