using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Tests.Statistics;

public sealed class EmaHistoryTests
{
    [Theory]
    [InlineData(1, 0.1)]
    [InlineData(3, 0.5)]
    [InlineData(5, 1.0)]
    public void Add_Values_KeepsCurrentAndLaggedEma(int lag, double smoothing)
    {
        double[] values = [4, 2, 8, -1, 0.5, 3, 3, 7];
        var ema = new double[values.Length];
        var history = new EmaHistory(lag, smoothing);
        for (int i = 0; i < values.Length; i++)
        {
            ema[i] = i == 0 ? values[0] : (smoothing * values[i]) + ((1 - smoothing) * ema[i - 1]);
            history.Add(values[i]);

            Assert.Equal(ema[i], history.Current);
            Assert.Equal(i >= lag, history.HasLagged);
            if (history.HasLagged)
            {
                Assert.Equal(ema[i - lag], history.Lagged);
            }
        }
    }

    [Fact]
    public void Load_SavedValues_RestoresCurrentAndLagged()
    {
        var history = new EmaHistory(2, 0.3);
        foreach (double value in new[] { 1.0, 5, 2, 8 })
        {
            history.Add(value);
        }

        var restored = new EmaHistory(2, 0.3);
        restored.Load(history.ToArray());
        history.Add(3);
        restored.Add(3);

        Assert.Equal((history.Current, history.Lagged), (restored.Current, restored.Lagged));
    }
}
