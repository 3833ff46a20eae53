using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Tests.Statistics;

public sealed class RingBufferTests
{
    [FsCheck.Xunit.Property]
    public void AddRemove_AnySequence_BehavesLikeAQueue_Meets_Specification(byte capacitySeed, int[] operations)
    {
        var buffer = new RingBuffer(1 + (capacitySeed % 9));
        var model = new Queue<double>();
        foreach (int operation in operations ?? [])
        {
            if (operation % 3 == 0 && model.Count > 0)
            {
                buffer.RemoveOldest();
                model.Dequeue();
            }
            else if (model.Count < buffer.Capacity)
            {
                buffer.Add(operation);
                model.Enqueue(operation);
            }

            Assert.Equal(model.ToArray(), buffer.ToArray());
            Assert.Equal(model.Count == buffer.Capacity, buffer.IsFull);
        }
    }

    [Fact]
    public void Add_Full_Throws()
    {
        var buffer = new RingBuffer(1);
        buffer.Add(1);

        Assert.Throws<InvalidOperationException>(() => buffer.Add(2));
    }

    [Fact]
    public void RemoveOldest_Empty_Throws() =>
        Assert.Throws<InvalidOperationException>(() => new RingBuffer(2).RemoveOldest());

    [Fact]
    public void Indexer_OutOfRange_ThrowsNamingIndex()
    {
        var buffer = new RingBuffer(3);
        buffer.Add(1);

        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => buffer[1]).ParamName);
    }
}
