using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Scheduling;

/// <summary>Element-wise tolerance checks in float64.</summary>
internal static class TensorAssert
{
    /// <summary>Asserts equal shapes and |actual − expected| ≤ atol + rtol·|expected| for every element.</summary>
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var want = expected.to(ScalarType.Float64, CPU);
        var got = actual.to(ScalarType.Float64, CPU);
        var excess = (got - want).abs() - ((rtol * want.abs()) + atol);
        var worst = excess.max().item<double>();
        var at = excess.argmax().item<long>();
        Assert.True(
            worst <= 0,
            $"{what}: element {at} is {got.flatten()[at].item<double>()}, expected {want.flatten()[at].item<double>()} (atol {atol}, rtol {rtol}).");
    }

    /// <summary>Asserts that a tensor holds exactly the given integers.</summary>
    public static void Equal(IEnumerable<long> expected, Tensor actual) =>
        Assert.Equal(expected, actual.to(ScalarType.Int64, CPU).data<long>().ToArray());
}
