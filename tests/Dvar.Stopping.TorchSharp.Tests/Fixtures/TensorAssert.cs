using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Tensor comparisons with the fixtures' tolerance rule, reporting where and by how much they fail.</summary>
internal static class TensorAssert
{
    /// <summary>
    /// Asserts <c>|actual - expected| &lt;= atol + rtol · |expected|</c> for every element (NaN fails), in float64, after
    /// checking the shapes; the message names <paramref name="what"/>, the number of failing elements and the worst one.
    /// </summary>
    public static void Close(Tensor actual, Tensor expected, double atol, double rtol, string what)
    {
        Assert.True(
            actual.shape.SequenceEqual(expected.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}].");
        using var scope = NewDisposeScope();
        var a = actual.detach().cpu().to_type(ScalarType.Float64);
        var e = expected.detach().cpu().to_type(ScalarType.Float64);
        var diff = (a - e).abs();
        var bound = atol + (rtol * e.abs());
        var failing = diff.le(bound).logical_not();
        long count = failing.sum().item<long>();
        if (count == 0)
        {
            return;
        }

        var excess = (diff - bound).nan_to_num(nan: double.MaxValue).flatten();
        long worst = excess.argmax().item<long>();
        double actualValue = a.flatten()[worst].item<double>();
        double expectedValue = e.flatten()[worst].item<double>();
        Assert.Fail(
            $"{what}: {count} of {a.numel()} elements outside atol {atol} + rtol {rtol}·|expected|; worst at flat index {worst}: " +
            $"actual {actualValue:G9}, expected {expectedValue:G9}, |diff| {Math.Abs(actualValue - expectedValue):G3}; " +
            $"max |diff| overall {diff.nan_to_num(nan: double.MaxValue).max().item<double>():G3}.");
    }

    /// <summary>Asserts that a tensor holds exactly the given integers, in order.</summary>
    public static void Equal(IEnumerable<long> expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        Assert.Equal(expected, actual.to(ScalarType.Int64, CPU).data<long>().ToArray());
    }
}
