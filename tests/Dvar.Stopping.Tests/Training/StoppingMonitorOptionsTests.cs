using Dvar.Stopping.Training;

namespace Dvar.Stopping.Tests.Training;

public sealed class StoppingMonitorOptionsTests
{
    [Fact]
    public void Default_KeepsAllAndLogsEvery50()
    {
        Assert.Null(StoppingMonitorOptions.Default.HistoryCapacity);
        Assert.Equal(50, StoppingMonitorOptions.Default.LogEvery);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Validate_HistoryCapacityBelowOne_ThrowsNamingIt(int capacity)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StoppingMonitorOptions { HistoryCapacity = capacity }.Validate());
        Assert.Equal(nameof(StoppingMonitorOptions.HistoryCapacity), e.ParamName);
        Assert.Contains($"got {capacity}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_LogEveryBelowOne_ThrowsNamingIt(int logEvery)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StoppingMonitorOptions { LogEvery = logEvery }.Validate());
        Assert.Equal(nameof(StoppingMonitorOptions.LogEvery), e.ParamName);
    }

    [Fact]
    public void Validate_Boundaries_Accepted()
    {
        new StoppingMonitorOptions { HistoryCapacity = 1, LogEvery = 1 }.Validate();
        new StoppingMonitorOptions { HistoryCapacity = null, LogEvery = int.MaxValue }.Validate();
    }
}
