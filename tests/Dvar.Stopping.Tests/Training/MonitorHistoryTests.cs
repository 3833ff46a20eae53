using Dvar.Stopping.Training;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Training;

public sealed class MonitorHistoryTests
{
    [Property]
    public void Add_AnyCount_KeepsTheLastCapacityRecordsInOrder_Meets_Specification(ushort count, byte capacitySeed, bool unbounded)
    {
        int? capacity = unbounded ? null : capacitySeed + 1;
        var history = new MonitorHistory(capacity);
        var all = Enumerable.Range(0, count).Select(i => new MonitorRecord(i, null, i * 0.5, default)).ToList();

        foreach (var record in all)
        {
            history.Add(record);
        }

        var expected = all.TakeLast(capacity ?? int.MaxValue).ToList();
        Assert.Equal(expected, history);
        Assert.Equal(expected.Count, history.Count);
        Assert.Equal(expected, Enumerable.Range(0, history.Count).Select(i => history[i]));
    }

    [Fact]
    public void Indexer_OutOfRange_ThrowsNamingTheRange()
    {
        var history = new MonitorHistory(null);
        history.Add(default);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => history[1]);

        Assert.Contains("[0, 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clear_AfterWrapping_StartsOver()
    {
        var history = new MonitorHistory(2);
        for (var i = 0; i < 5; i++)
        {
            history.Add(new MonitorRecord(i, null, 0, default));
        }

        history.Clear();
        history.Add(new MonitorRecord(9, null, 0, default));

        Assert.Equal([9L], history.Select(r => r.Step));
    }
}
