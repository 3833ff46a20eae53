namespace Dvar.Stopping.Statistics;

/// <summary>The summary of the last <see cref="Capacity"/> values of a stream, in O(1) amortised time per value and
/// O(capacity) memory, built only by merging summaries (never by removing a value from one).</summary>
/// <typeparam name="TAggregate">The summary: moments, min/max, least-squares slope...</typeparam>
/// <remarks>
/// <para>The window is split into a <em>front</em> (older values) and a <em>back</em> (newer values), the "two stacks"
/// scheme of sliding-window aggregation. The back keeps one running summary of the values added since the last flip. The
/// front keeps, for each of its values, the summary of that value and all newer front values (a suffix summary). The
/// window's summary is Merge(front suffix of its oldest value, back). When a value must leave and the front is empty, the
/// whole window is flipped into the front: its suffix summaries are computed from newest to oldest in one pass. A flip
/// costs O(capacity) and happens at most once per capacity values: O(1) amortised, and no allocation after construction.</para>
/// <para>Why merging: the sliding update "add the new value, subtract the leaving one" cancels catastrophically when the
/// values that left were large compared with the window's spread (MathNet's MovingStatistics returns a negative variance
/// on 1e6 + 1e-6 noise). Here every summary covers exactly the values in it, so its error is that of summarising those
/// values from scratch, whatever came before.</para>
/// <para>State: the values (oldest first) and the size of the front determine every summary bit for bit, so
/// <see cref="Load"/> rebuilds exactly the summaries an uninterrupted window holds.</para>
/// </remarks>
internal sealed class SlidingWindow<TAggregate>
    where TAggregate : struct, IWindowAggregate<TAggregate>
{
    private readonly RingBuffer _values;
    private readonly TAggregate[] _suffix;
    private int _frontStart;
    private TAggregate _back;
    private long _nextPosition;

    /// <summary>Initializes an empty window of <paramref name="capacity"/> values.</summary>
    /// <param name="capacity">The window length (≥ 1).</param>
    public SlidingWindow(int capacity)
    {
        _values = new RingBuffer(capacity);
        _suffix = new TAggregate[capacity];
    }

    /// <summary>Gets the window length.</summary>
    public int Capacity => _values.Capacity;

    /// <summary>Gets the number of values in the window (at most <see cref="Capacity"/>).</summary>
    public int Count => _values.Count;

    /// <summary>Gets a value indicating whether the window holds <see cref="Capacity"/> values.</summary>
    public bool IsFull => _values.IsFull;

    /// <summary>Gets the number of values in the front (the oldest ones, summarised by suffix summaries).</summary>
    public int FrontCount { get; private set; }

    /// <summary>Gets the summary of the values in the window.</summary>
    /// <exception cref="InvalidOperationException">The window is empty.</exception>
    public TAggregate Aggregate
    {
        get
        {
            if (Count == 0)
            {
                throw new InvalidOperationException("The window is empty.");
            }

            if (FrontCount == 0)
            {
                return _back;
            }

            ref readonly TAggregate front = ref _suffix[_frontStart];
            return FrontCount == Count ? front : TAggregate.Merge(front, _back);
        }
    }

    /// <summary>Adds <paramref name="value"/> as the newest value, dropping the oldest when the window is full.</summary>
    /// <param name="value">The value (finite).</param>
    public void Add(double value)
    {
        if (_values.IsFull)
        {
            if (FrontCount == 0)
            {
                BuildFront(_values.Count);
            }

            _values.RemoveOldest();
            _frontStart++;
            FrontCount--;
        }

        _values.Add(value);
        TAggregate single = TAggregate.Of(value, _nextPosition++);
        _back = FrontCount == Count - 1 ? single : TAggregate.Merge(_back, single);
    }

    /// <summary>Empties the window.</summary>
    public void Clear()
    {
        _values.Clear();
        FrontCount = 0;
        _frontStart = 0;
        _back = default;
        _nextPosition = 0;
    }

    /// <summary>Returns the values, oldest first, in a new array (for state documents).</summary>
    public double[] ToArray() => _values.ToArray();

    /// <summary>Replaces the contents with <paramref name="values"/> (oldest first), the oldest
    /// <paramref name="frontCount"/> of them forming the front, as saved from <see cref="ToArray"/> and <see cref="FrontCount"/>.</summary>
    /// <param name="values">At most <see cref="Capacity"/> finite values.</param>
    /// <param name="frontCount">0 ≤ frontCount ≤ values.Length.</param>
    public void Load(ReadOnlySpan<double> values, int frontCount)
    {
        if (values.Length > Capacity || frontCount < 0 || frontCount > values.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(frontCount),
                $"Expected at most {Capacity} values and a front of at most that many; got {values.Length} and {frontCount}.");
        }

        Clear();
        foreach (double value in values)
        {
            _values.Add(value);
        }

        _nextPosition = values.Length;
        if (frontCount > 0)
        {
            BuildFront(frontCount);
        }

        for (int i = frontCount; i < values.Length; i++)
        {
            TAggregate single = TAggregate.Of(values[i], i);
            _back = i == frontCount ? single : TAggregate.Merge(_back, single);
        }
    }

    /// <summary>Makes the oldest <paramref name="count"/> values the front and computes their suffix summaries.</summary>
    private void BuildFront(int count)
    {
        long newestPosition = _nextPosition - _values.Count + count - 1;
        TAggregate suffix = TAggregate.Of(_values[count - 1], newestPosition);
        _suffix[count - 1] = suffix;
        for (int i = count - 2; i >= 0; i--)
        {
            suffix = TAggregate.Merge(TAggregate.Of(_values[i], newestPosition - (count - 1 - i)), suffix);
            _suffix[i] = suffix;
        }

        _frontStart = 0;
        FrontCount = count;
    }
}
