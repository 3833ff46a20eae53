using System.Collections;

namespace Dvar.Stopping.Training;

/// <summary>The records of a <see cref="StoppingMonitor"/>, oldest first: every record, or the most recent
/// <c>capacity</c> ones (a ring that overwrites the oldest).</summary>
internal sealed class MonitorHistory : IReadOnlyList<MonitorRecord>
{
    private const int InitialSize = 64;

    private readonly int? _capacity;
    private MonitorRecord[] _items;
    private int _start;
    private int _count;

    /// <summary>Creates an empty history.</summary>
    /// <param name="capacity">The most records kept, or null to keep every record.</param>
    public MonitorHistory(int? capacity)
    {
        _capacity = capacity;
        _items = new MonitorRecord[Math.Min(capacity ?? InitialSize, InitialSize)];
    }

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public MonitorRecord this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(index), index, $"The index must be in [0, {_count}); got {index}.");
            }

            return _items[(_start + index) % _items.Length];
        }
    }

    /// <summary>Appends a record; when the history is full, the oldest one is dropped.</summary>
    /// <param name="record">The newest record.</param>
    public void Add(MonitorRecord record)
    {
        if (_count == _capacity)
        {
            _items[_start] = record;
            _start = (_start + 1) % _items.Length;
            return;
        }

        if (_count == _items.Length)
        {
            // Only reached while not full, when _start is still 0: growing keeps the order.
            var size = (int)Math.Min((long)_items.Length * 2, _capacity ?? Array.MaxLength);
            Array.Resize(ref _items, size);
        }

        _items[_count++] = record;
    }

    /// <summary>Forgets every record.</summary>
    public void Clear()
    {
        Array.Clear(_items);
        _start = 0;
        _count = 0;
    }

    /// <inheritdoc/>
    public IEnumerator<MonitorRecord> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _items[(_start + i) % _items.Length];
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
