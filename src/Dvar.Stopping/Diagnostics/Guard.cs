using System.Globalization;

namespace Dvar.Stopping.Diagnostics;

/// <summary>Argument checks that reject NaN and ±Infinity and state the allowed range and the value found.</summary>
/// <remarks>
/// The BCL helpers are order-dependent with NaN (<c>ThrowIfGreaterThanOrEqual(double.NaN, 1.0)</c> does not throw) and
/// show one bound only; every check here is written so that NaN fails it.
/// <para>Also compiled into Dvar.Stopping.TorchSharp and dvar from this file (<c>Compile Include ... Link</c> in their project files)
/// instead of being shared through <c>InternalsVisibleTo</c>: each assembly carries its own copy, so packages
/// upgraded separately cannot meet a missing internal member at run time, and the helper stays out of the public API.</para>
/// </remarks>
internal static class Guard
{
    /// <summary>Throws unless <paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public static void AtLeast(long value, long minimum, string paramName)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(paramName, $"{paramName} must be at least {minimum}; got {value}.");
        }
    }

    /// <summary>Throws unless <paramref name="value"/> ≤ <paramref name="maximum"/>, where the value sizes a buffer
    /// allocated up front; the message gives the bound, the cost per element and what the value asked for.</summary>
    /// <param name="value">The value given.</param>
    /// <param name="maximum">The largest value accepted.</param>
    /// <param name="bytesPerElement">The bytes one unit of the value takes.</param>
    /// <param name="what">What the value sizes, e.g. <c>the DVAR window</c>.</param>
    /// <param name="paramName">The property or parameter name.</param>
    public static void AtMostForMemory(long value, long maximum, long bytesPerElement, string what, string paramName)
    {
        if (value > maximum)
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                $"{paramName} must be at most {maximum}; got {value}: {what} takes {bytesPerElement} bytes per value, "
                + $"allocated up front, so {value} would take {Bytes(value * (double)bytesPerElement)} "
                + $"({maximum} takes {Bytes(maximum * (double)bytesPerElement)}).");
        }
    }

    /// <summary>Throws unless <paramref name="low"/> &lt; <paramref name="value"/> &lt; <paramref name="high"/>.</summary>
    public static void InOpenInterval(double value, double low, double high, string paramName)
    {
        if (!(value > low && value < high))
        {
            throw OutOfRange(paramName, $"in the open interval ({Format(low)}, {Format(high)})", value);
        }
    }

    /// <summary>Throws unless <paramref name="low"/> &lt; <paramref name="value"/> ≤ <paramref name="high"/>.</summary>
    public static void InLeftOpenInterval(double value, double low, double high, string paramName)
    {
        if (!(value > low && value <= high))
        {
            throw OutOfRange(paramName, $"in the interval ({Format(low)}, {Format(high)}]", value);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and greater than 0.</summary>
    public static void PositiveFinite(double value, string paramName)
    {
        if (!(value > 0 && double.IsFinite(value)))
        {
            throw OutOfRange(paramName, "a finite number greater than 0", value);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and at least 0.</summary>
    public static void NonNegativeFinite(double value, string paramName)
    {
        if (!(value >= 0 && double.IsFinite(value)))
        {
            throw OutOfRange(paramName, "a finite number at least 0", value);
        }
    }

    /// <summary>Throws unless <paramref name="value"/> is a named member of its enum.</summary>
    public static void Defined<TEnum>(TEnum value, string paramName)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(
                paramName,
                $"{paramName} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}; got {value}.");
        }
    }

    /// <summary>Formats a double the way messages and state documents show it (invariant, round-trip).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Bytes(double bytes) => bytes >= 1e9
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:0.#} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.#} MB");

    private static ArgumentOutOfRangeException OutOfRange(string paramName, string range, double value) =>
        new(paramName, $"{paramName} must be {range}; got {Format(value)}.");
}
