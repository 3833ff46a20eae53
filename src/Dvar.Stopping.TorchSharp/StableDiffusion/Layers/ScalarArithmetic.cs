using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>Tensor-by-number arithmetic that keeps the native <see cref="Scalar"/> alive for the whole native call.</summary>
/// <remarks>
/// <c>tensor / 2.0</c> converts the number to a <see cref="Scalar"/> that nothing references once its handle is read. In an optimised
/// build the garbage collector may then finalize it, and free its native memory, while libtorch still reads it: a rare crash
/// ("Expected false to be true" from <c>Scalar::toDouble</c>) seen in the thousand-pass UNet test (TorchSharp PR 1434 describes the
/// same implicit Scalars). Forward passes that run in loops use these helpers instead; a factor of exactly 1 is skipped.
/// </remarks>
internal static class ScalarArithmetic
{
    /// <summary>Returns <paramref name="tensor"/> · <paramref name="factor"/> (the input itself when the factor is 1).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="factor">The number.</param>
    /// <returns>The product.</returns>
    public static Tensor Multiply(Tensor tensor, double factor)
    {
        if (factor == 1.0)
        {
            return tensor;
        }

        using var scalar = factor.ToScalar();
        return tensor.mul(scalar);
    }

    /// <summary>Returns <paramref name="left"/> + <paramref name="right"/> with the implicit <c>alpha = 1</c> Scalar held for the call.</summary>
    /// <param name="left">The first tensor.</param>
    /// <param name="right">The second tensor (broadcast).</param>
    /// <returns>The sum.</returns>
    /// <remarks><c>left + right</c> calls <c>add(right, alpha: 1)</c> with a temporary Scalar, the same hazard as a number operand.</remarks>
    public static Tensor Add(Tensor left, Tensor right)
    {
        using var one = 1.ToScalar();
        return left.add(right, one);
    }

    /// <summary>Returns <paramref name="tensor"/> / <paramref name="divisor"/> (the input itself when the divisor is 1).</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="divisor">The number.</param>
    /// <returns>The quotient.</returns>
    public static Tensor Divide(Tensor tensor, double divisor)
    {
        if (divisor == 1.0)
        {
            return tensor;
        }

        using var scalar = divisor.ToScalar();
        return tensor.div(scalar);
    }
}
