using System.Runtime.CompilerServices;

namespace Dvar.Stopping.Statistics;

/// <summary>The power-of-two unit 2^s in which <see cref="MomentAggregate"/> and <see cref="SlopeAggregate"/> keep their
/// sums, chosen from the magnitude of the values so that no square, product or difference can overflow or underflow
/// for any finite input.</summary>
/// <remarks>
/// <para>The unit of a set of values is <see cref="Of"/> of its largest magnitude: s is the binary exponent e of |x|
/// rounded to the nearest multiple of 64 (the largest one not above e + 32, so e − s lies in [−32, 32)), clamped to [−960, 960] so that
/// 2^s and 2^−s are normal doubles. Every value of the set then lies below 2^64 in that unit (2^64 also at the clamp:
/// |x| &lt; 2^1024), every difference of two values below 2^65, and their squares far inside double's range. A value
/// that is not negligible next to the largest one keeps all its bits: multiplying by 2^−s is exact while the product
/// stays a normal double, that is unless the value is below 2^−990 times the largest, where it cannot change any
/// statistic at double precision.</para>
/// <para>A value in its own unit, x·2^−<see cref="Of"/>(x), is always exact: it is 0 or lies in [2^−114, 2^64).</para>
/// <para>Losses between 2^−32 and 2^32 (about 2.3e−10 to 4.3e9) have unit 2^0, where the scaled arithmetic is the
/// plain arithmetic bit for bit. Units are multiples of 64, so they change only when the magnitude crosses 2^(64j+32),
/// and the maximum of two units is the unit of the union (the rounding is monotonic).</para>
/// </remarks>
internal static class PowerOfTwoScale
{
    /// <summary>The smallest unit exponent (2^960 is a normal double).</summary>
    public const int Minimum = -960;

    /// <summary>The largest unit exponent (2^−960 is a normal double).</summary>
    public const int Maximum = 960;

    /// <summary>The spacing of unit exponents.</summary>
    public const int Step = 64;

    /// <summary>The unit exponent s of a set whose largest magnitude is |<paramref name="value"/>|.</summary>
    /// <param name="value">A finite value (zero and subnormals give the smallest unit).</param>
    /// <returns>A multiple of 64 in [−960, 960].</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(double value)
    {
        // The biased exponent field: 0 for zero and subnormals, 1..2046 for normal numbers.
        int exponent = (int)((BitConverter.DoubleToUInt64Bits(value) >> 52) & 0x7FF) - 1023;
        int unit = ((exponent + 32) >> 6) << 6; // floor((e + 32) / 64) · 64: an arithmetic shift floors negatives too
        return Math.Clamp(unit, Minimum, Maximum);
    }

    /// <summary>2^<paramref name="exponent"/> for an exponent of a normal double.</summary>
    /// <param name="exponent">In [−1022, 1023] (every ± unit exponent is).</param>
    /// <returns>The power of two, exactly.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Power(int exponent) => BitConverter.Int64BitsToDouble((long)(exponent + 1023) << 52);

    /// <summary>Whether <paramref name="unit"/> is a unit exponent <see cref="Of"/> can return.</summary>
    /// <param name="unit">The exponent to check (for state documents).</param>
    /// <returns>True for a multiple of 64 in [−960, 960].</returns>
    public static bool IsValid(long unit) => unit is >= Minimum and <= Maximum && unit % Step == 0;
}
