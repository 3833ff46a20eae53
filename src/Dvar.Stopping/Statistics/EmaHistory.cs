namespace Dvar.Stopping.Statistics;

/// <summary>The exponential moving average EMA_k = a·x_k + (1 − a)·EMA_{k−1}, EMA_1 = x_1 (no bias correction), and its
/// last n + 1 values, so that EMA_{k−n} is at hand in O(1) with O(n) memory.</summary>
/// <remarks>The recurrence is a convex combination, so |EMA_k| does not exceed the largest |x| seen (up to rounding): it cannot overflow
/// for finite input (see <see cref="Add"/>), and multiplying every x by 2^j multiplies every EMA by 2^j exactly while
/// the values stay normal doubles.</remarks>
internal sealed class EmaHistory
{
    private readonly RingBuffer _emas;
    private readonly double _smoothing;
    private readonly double _retain;

    /// <summary>Initializes an empty history.</summary>
    /// <param name="lag">The lag n (≥ 1).</param>
    /// <param name="smoothing">The smoothing a (0 &lt; a ≤ 1).</param>
    public EmaHistory(int lag, double smoothing)
    {
        _emas = new RingBuffer(checked(lag + 1));
        _smoothing = smoothing;
        _retain = 1 - smoothing;
    }

    /// <summary>Gets a value indicating whether EMA_{k−n} exists (k &gt; n).</summary>
    public bool HasLagged => _emas.IsFull;

    /// <summary>Gets EMA_k.</summary>
    public double Current => _emas[_emas.Count - 1];

    /// <summary>Gets EMA_{k−n}; valid when <see cref="HasLagged"/>.</summary>
    public double Lagged => _emas[0];

    /// <summary>Feeds x_k.</summary>
    /// <param name="value">The value (finite).</param>
    /// <remarks>EMA_k lies between x_k and EMA_{k−1}. Should rounding ever carry the sum of two values near ±1.8e308
    /// past double's range (no case is known), it is clamped to the larger (below zero, the smaller) of the two, which
    /// bounds the exact answer and is within rounding of it.</remarks>
    public void Add(double value)
    {
        double ema = value;
        if (_emas.Count > 0)
        {
            double previous = Current;
            ema = (_smoothing * value) + (_retain * previous);
            if (double.IsInfinity(ema))
            {
                ema = ema > 0 ? Math.Max(value, previous) : Math.Min(value, previous);
            }
        }

        if (_emas.IsFull)
        {
            _emas.RemoveOldest();
        }

        _emas.Add(ema);
    }

    /// <summary>Forgets every value.</summary>
    public void Clear() => _emas.Clear();

    /// <summary>Returns the stored EMA values, oldest first (for state documents).</summary>
    public double[] ToArray() => _emas.ToArray();

    /// <summary>Replaces the stored EMA values with <paramref name="emas"/> (oldest first), as saved by <see cref="ToArray"/>.</summary>
    /// <param name="emas">At most n + 1 finite values.</param>
    public void Load(ReadOnlySpan<double> emas)
    {
        _emas.Clear();
        foreach (double ema in emas)
        {
            _emas.Add(ema);
        }
    }
}
