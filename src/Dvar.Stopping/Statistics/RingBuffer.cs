namespace Dvar.Stopping.Statistics;

/// <summary>A first-in first-out buffer of at most <see cref="Capacity"/> doubles in one array allocated up front.</summary>
/// <remarks>Indexing is by age: <c>this[0]</c> is the oldest value, <c>this[Count − 1]</c> the newest. O(1) per operation.</remarks>
internal sealed class RingBuffer
{
    private readonly double[] _items;
    private int _start;

    /// <summary>Initializes an empty buffer of <paramref name="capacity"/> values.</summary>
    /// <param name="capacity">The maximum number of values held (≥ 1).</param>
    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new double[capacity];
    }

    /// <summary>Gets the maximum number of values held.</summary>
    public int Capacity => _items.Length;

    /// <summary>Gets the number of values held.</summary>
    public int Count { get; private set; }

    /// <summary>Gets a value indicating whether <see cref="Count"/> equals <see cref="Capacity"/>.</summary>
    public bool IsFull => Count == _items.Length;

    /// <summary>Gets the value of age <paramref name="index"/> (0 = oldest).</summary>
    /// <param name="index">0 ≤ index &lt; <see cref="Count"/>.</param>
    public double this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"index must be in [0, {Count}); got {index}.");
            }

            int slot = _start + index;
            return _items[slot < _items.Length ? slot : slot - _items.Length];
        }
    }

    /// <summary>Appends <paramref name="value"/> as the newest value.</summary>
    /// <exception cref="InvalidOperationException">The buffer is full: remove the oldest value first.</exception>
    public void Add(double value)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The ring buffer is full.");
        }

        int slot = _start + Count;
        _items[slot < _items.Length ? slot : slot - _items.Length] = value;
        Count++;
    }

    /// <summary>Removes the oldest value.</summary>
    /// <exception cref="InvalidOperationException">The buffer is empty.</exception>
    public void RemoveOldest()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The ring buffer is empty.");
        }

        _start = _start + 1 == _items.Length ? 0 : _start + 1;
        Count--;
    }

    /// <summary>Removes every value.</summary>
    public void Clear()
    {
        _start = 0;
        Count = 0;
    }

    /// <summary>Returns the values, oldest first, in a new array (for state documents, not for the hot path).</summary>
    public double[] ToArray()
    {
        var result = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            result[i] = this[i];
        }

        return result;
    }
}
