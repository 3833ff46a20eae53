using TorchSharp;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tensors;

/// <summary>Tensor-and-number arithmetic that holds the native <see cref="Scalar"/> for the whole native call.</summary>
/// <remarks>
/// <para>TorchSharp 0.107 frees a <see cref="Scalar"/> in its finalizer, and a Scalar made implicitly from a number
/// (<c>tensor * 2.0</c>, <c>tensor.clamp(0, 1)</c>) is unreachable as soon as its handle is read. In an optimised build the
/// garbage collector may then free it while libtorch still reads it: CI crashed on this twice ("Expected false to be true"
/// from <c>Scalar::toDouble</c>, "Unknown scalar type" from <c>sub_</c>); TorchSharp PR 1434 describes the same Scalars.</para>
/// <para>Shipped code makes every Scalar through these helpers, which keep it in a <c>using</c> until the call returns;
/// <c>ImplicitScalarTests</c> scans the shipped assemblies' IL for any other.</para>
/// <para>Also compiled into Dvar.Demo from this file (<c>Compile Include ... Link</c> in their project files)
/// instead of being shared through <c>InternalsVisibleTo</c>: each assembly carries its own copy, so packages
/// upgraded separately cannot meet a missing internal member at run time, and the helper stays out of the public API.</para>
/// </remarks>
internal static class HeldScalar
{
    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as a Scalar held until it returns.</summary>
    /// <param name="value">The number.</param>
    /// <param name="operation">The tensor operation.</param>
    /// <returns>What the operation returns.</returns>
    public static Tensor With(double value, Func<Scalar, Tensor> operation)
    {
        using var scalar = value.ToScalar();
        return operation(scalar);
    }

    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as an integer Scalar held until it returns.</summary>
    /// <param name="value">The number.</param>
    /// <param name="operation">The tensor operation.</param>
    /// <returns>What the operation returns.</returns>
    public static Tensor WithInteger(long value, Func<Scalar, Tensor> operation)
    {
        using var scalar = value.ToScalar();
        return operation(scalar);
    }

    /// <summary>Runs <paramref name="operation"/> with two Scalars held until it returns.</summary>
    /// <param name="first">The first number.</param>
    /// <param name="second">The second number.</param>
    /// <param name="operation">The tensor operation.</param>
    /// <returns>What the operation returns.</returns>
    public static Tensor With(double first, double second, Func<Scalar, Scalar, Tensor> operation)
    {
        using var a = first.ToScalar();
        using var b = second.ToScalar();
        return operation(a, b);
    }

    /// <summary>Runs <paramref name="operation"/> with two integer Scalars held until it returns.</summary>
    /// <param name="first">The first number.</param>
    /// <param name="second">The second number.</param>
    /// <param name="operation">The tensor operation.</param>
    /// <returns>What the operation returns.</returns>
    public static Tensor WithIntegers(long first, long second, Func<Scalar, Scalar, Tensor> operation)
    {
        using var a = first.ToScalar();
        using var b = second.ToScalar();
        return operation(a, b);
    }

    /// <summary>Returns <c>[0, 1, ..., count − 1]</c>, like <c>torch.arange(count)</c>.</summary>
    /// <param name="count">The number of values.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="device">The device; null for the CPU.</param>
    /// <returns>A new 1-D tensor.</returns>
    public static Tensor Range(long count, ScalarType dtype = ScalarType.Int64, Device? device = null)
    {
        using var stop = count.ToScalar();
        return arange(stop, dtype: dtype, device: device);
    }

    /// <summary>Returns <paramref name="tensor"/> · <paramref name="factor"/>, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="factor">The number.</param>
    /// <returns>The product.</returns>
    public static Tensor Times(this Tensor tensor, double factor) => With(factor, s => tensor.mul(s));

    /// <summary>Returns <paramref name="tensor"/> / <paramref name="divisor"/>, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="divisor">The number.</param>
    /// <returns>The quotient.</returns>
    public static Tensor DividedBy(this Tensor tensor, double divisor) => With(divisor, s => tensor.div(s));

    /// <summary>Returns <paramref name="tensor"/> + <paramref name="value"/>, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="value">The number.</param>
    /// <returns>The sum.</returns>
    public static Tensor Plus(this Tensor tensor, double value) => With(value, s => tensor.add(s));

    /// <summary>Returns <paramref name="left"/> + <paramref name="right"/>, a new tensor. (<c>left + right</c> passes TorchSharp
    /// an implicit alpha of 1, a Scalar nothing holds.)</summary>
    /// <param name="left">The first tensor.</param>
    /// <param name="right">The second tensor.</param>
    /// <returns>The sum.</returns>
    public static Tensor Plus(this Tensor left, Tensor right)
    {
        using var one = 1.ToScalar();
        return left.add(right, one);
    }

    /// <summary>Adds <paramref name="right"/> to <paramref name="left"/> in place and returns <paramref name="left"/>.</summary>
    /// <param name="left">The tensor changed.</param>
    /// <param name="right">The tensor added.</param>
    /// <returns><paramref name="left"/>.</returns>
    public static Tensor PlusInPlace(this Tensor left, Tensor right)
    {
        using var one = 1.ToScalar();
        return left.add_(right, one);
    }

    /// <summary>Returns <paramref name="tensor"/> − <paramref name="value"/>, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="value">The number.</param>
    /// <returns>The difference.</returns>
    public static Tensor Minus(this Tensor tensor, double value) => With(value, s => tensor.sub(s));

    /// <summary>Returns <paramref name="value"/> − <paramref name="tensor"/>, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="value">The number.</param>
    /// <returns>The difference.</returns>
    public static Tensor SubtractedFrom(this Tensor tensor, double value) => With(value, s => tensor.neg().add_(s));

    /// <summary>Returns <paramref name="tensor"/> clamped to [<paramref name="min"/>, <paramref name="max"/>], a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    /// <returns>The clamped tensor.</returns>
    public static Tensor ClampedTo(this Tensor tensor, double min, double max) => With(min, max, (a, b) => tensor.clamp(a, b));

    /// <summary>Returns <paramref name="tensor"/> with every element below <paramref name="min"/> raised to it, a new tensor.</summary>
    /// <param name="tensor">The tensor.</param>
    /// <param name="min">The lower bound.</param>
    /// <returns>The clamped tensor.</returns>
    public static Tensor AtLeast(this Tensor tensor, double min) => With(min, s => tensor.clamp_min(s));
}
