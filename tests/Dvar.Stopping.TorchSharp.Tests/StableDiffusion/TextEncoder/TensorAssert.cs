using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion;

/// <summary>The fixtures' tolerance rule: pass if every element has <c>|actual - expected| &lt;= atol + rtol * |expected|</c>.</summary>
internal static class TensorAssert
{
    public static void Close(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        Assert.True(
            expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        using var e = expected.detach().cpu().to_type(ScalarType.Float64);
        using var a = actual.detach().cpu().to_type(ScalarType.Float64);
        using var error = (a - e).abs();
        using var allowed = e.abs() * rtol + atol;
        using var excess = error - allowed;
        using var worst = excess.max();
        if (worst.item<double>() > 0 || a.isnan().any().item<bool>())
        {
            long index = excess.argmax().item<long>();
            using var flatE = e.flatten();
            using var flatA = a.flatten();
            Assert.Fail(
                $"{what}: {(error > allowed).sum().item<long>()} of {e.numel()} elements outside atol {atol} + rtol {rtol}·|e|; " +
                $"worst at flat index {index}: actual {flatA[index].item<double>()}, expected {flatE[index].item<double>()}; " +
                $"max |a - e| = {error.max().item<double>()}.");
        }
    }
}
