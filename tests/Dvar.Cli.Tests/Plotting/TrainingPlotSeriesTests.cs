using Dvar.Cli.Plotting;
using Dvar.Testing;

namespace Dvar.Cli.Tests.Plotting;

public sealed class TrainingPlotSeriesTests
{
    [Theory]
    [InlineData(2, 0.5)]
    [InlineData(20, 0.15)]
    [InlineData(57, 0.4)]
    public void RecomputedRatio_EqualsTheNaiveTwoPassRatio(int window, double alpha)
    {
        var (_, det) = PlotFiles.Run(300, seed: window);
        var history = det.Select((d, i) => new HistoryRow(i, null, d, null, false)).ToList();

        var series = TrainingPlotSeries.From(new TrainingPlotData { History = history, Window = window, Threshold = alpha });

        // ratio_k = Var(x_{k-N+1..k}) / Var(x_{1..k}), population variances, defined for k >= N: one point per k,
        // at the step of x_k.
        Assert.True(series.RatioRecomputed);
        Assert.Equal(det.Length - window + 1, series.Ratio.Count);
        for (int k = window; k <= det.Length; k++)
        {
            double naive = PlotFiles.Variance(det, k - window, k) / PlotFiles.Variance(det, 0, k);
            int point = k - window;
            Assert.Equal(k - 1, series.Ratio.Steps[point]);
            Assert.True(Math.Abs(series.Ratio.Values[point] - naive) <= 1e-9 * naive, $"k={k}: {series.Ratio.Values[point]} vs {naive}");
        }

        Assert.Contains(TrainingPlotPanel.Ratio, series.Panels);
        Assert.Equal(alpha, series.Threshold);
    }

    [Fact]
    public void RecomputedRatio_SkipsRowsWithoutDeterministicLoss()
    {
        var (_, det) = PlotFiles.Run(60, seed: 5);
        var history = det.Select((d, i) => new HistoryRow(i, 1.0, i % 3 == 1 ? null : d, null, false)).ToList();
        double[] seen = [.. history.Where(r => r.DeterministicLoss is not null).Select(r => r.DeterministicLoss!.Value)];

        var ratio = TrainingPlotSeries.RecomputedRatio(history, 10, 0.2);

        Assert.Equal(seen.Length - 10 + 1, ratio.Count);
        double naive = PlotFiles.Variance(seen, seen.Length - 10, seen.Length) / PlotFiles.Variance(seen, 0, seen.Length);
        Assert.Equal(naive, ratio.Values[^1], 9);
        Assert.Equal(history[^1].Step, ratio.Steps[^1]);
    }

    [Fact]
    public void Ratio_FromAMonitorHistory_IsTheStatisticColumnAndAgreesWithTheReplay()
    {
        using var folder = new TemporaryFolder();
        var history = TrainingCsvReader.ReadHistory(PlotFiles.History(folder.Combine("history.csv"), 120, window: 15));

        var fromColumn = TrainingPlotSeries.From(new TrainingPlotData { History = history, Threshold = 0.15 });
        var replayed = TrainingPlotSeries.From(new TrainingPlotData { History = history, Window = 15, Threshold = 0.15 });

        Assert.False(fromColumn.RatioRecomputed);
        Assert.Equal(history.Where(r => r.Statistic is not null).Select(r => (double)r.Step), fromColumn.Ratio.Steps);
        Assert.Equal(replayed.Ratio.Steps, fromColumn.Ratio.Steps);
        Assert.Equal(replayed.Ratio.Values, fromColumn.Ratio.Values);
    }

    [Fact]
    public void Ratio_StatisticOfAnotherCriterionOrAbsent_HasNoPanel()
    {
        using var folder = new TemporaryFolder();
        var dvar = TrainingCsvReader.ReadHistory(PlotFiles.History(folder.Combine("a.csv"), 80));
        var plain = TrainingCsvReader.ReadHistory(PlotFiles.HistoryWithoutStatistic(folder.Combine("b.csv"), 80));

        var other = TrainingPlotSeries.From(new TrainingPlotData { History = dvar, HistoryStatisticIsRatio = false });
        var none = TrainingPlotSeries.From(new TrainingPlotData { History = plain, Threshold = 0.15 });

        Assert.Equal([TrainingPlotPanel.TrainLoss, TrainingPlotPanel.DeterministicLoss], other.Panels);
        Assert.Equal([TrainingPlotPanel.TrainLoss, TrainingPlotPanel.DeterministicLoss], none.Panels);
        Assert.Equal(0, none.Ratio.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(50)]
    [InlineData(1000)]
    public void TrainLossAverage_IsTheTrailingMeanOfTheFiniteValues(int window)
    {
        var (train, _) = PlotFiles.Run(200, seed: 11);
        train[17] = double.NaN;
        train[18] = double.PositiveInfinity;
        var history = train.Select((t, i) => new HistoryRow(i, t, null, null, false)).ToList();

        var series = TrainingPlotSeries.From(new TrainingPlotData { History = history, MovingAverageWindow = window });

        var finite = history.Where(r => r.TrainLoss is { } t && double.IsFinite(t)).ToList();
        Assert.Equal(finite.Select(r => (double)r.Step), series.TrainLoss.Steps);
        Assert.Equal(finite.Select(r => (double)r.Step), series.TrainLossAverage.Steps);
        for (int i = 0; i < finite.Count; i++)
        {
            double naive = finite.Skip(Math.Max(0, i - window + 1)).Take(Math.Min(i + 1, window)).Average(r => r.TrainLoss!.Value);
            Assert.Equal(naive, series.TrainLossAverage.Values[i], 12);
        }
    }

    [Fact]
    public void Panels_WithoutDeterministicLoss_AreLeftOut()
    {
        var history = Enumerable.Range(0, 30).Select(i => new HistoryRow(i, 1.0 / (i + 1), null, null, false)).ToList();

        var series = TrainingPlotSeries.From(new TrainingPlotData { History = history, Window = 5, Threshold = 0.2 });

        Assert.Equal([TrainingPlotPanel.TrainLoss], series.Panels);
    }

    [Fact]
    public void Panels_WithScores_AddTheScoresPanelWithOnlyTheColumnsThatHaveValues()
    {
        var history = Enumerable.Range(0, 30).Select(i => new HistoryRow(i, 1.0, 2.0 - (i * 0.01), null, false)).ToList();
        ScoreRow[] scores = [new(0, 0.5, null, 0.3), new(10, 0.6, null, 0.31), new(20, 0.7, null, double.NaN)];

        var series = TrainingPlotSeries.From(new TrainingPlotData { History = history, Scores = scores });

        Assert.Equal([TrainingPlotPanel.TrainLoss, TrainingPlotPanel.DeterministicLoss, TrainingPlotPanel.Scores], series.Panels);
        Assert.Equal(["train_img", "val_txt"], series.Scores.Select(s => s.Name));
        Assert.Equal([0.0, 10.0], series.Scores[1].Steps);
    }

    [Fact]
    public void Markers_OffTheStepAxis_AreRejectedNamingTheMarker()
    {
        var history = Enumerable.Range(5, 20).Select(i => new HistoryRow(i, 1.0, 1.0 / i, null, false)).ToList();

        var after = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlotSeries.From(
            new TrainingPlotData { History = history, Markers = [new PlotMarker(10, "ok"), new PlotMarker(25, "budget 25")] }));
        var before = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlotSeries.From(
            new TrainingPlotData { History = history, Markers = [new PlotMarker(4, "early")] }));

        Assert.Equal(nameof(TrainingPlotData.Markers), after.ParamName);
        Assert.Contains("step 25 (\"budget 25\")", after.Message, StringComparison.Ordinal);
        Assert.Contains("5 to 24", after.Message, StringComparison.Ordinal);
        Assert.Contains("step 4", before.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Markers_UpToStepAxisEnd_AreAcceptedAndTheAxisReachesThem()
    {
        var history = Enumerable.Range(0, 20).Select(i => new HistoryRow(i, 1.0, 1.0 / (i + 1), null, false)).ToList();
        PlotMarker[] markers = [new(19, "DVAR stop 19"), new(100, "budget 100")];

        var series = TrainingPlotSeries.From(new TrainingPlotData { History = history, Markers = markers, StepAxisEnd = 100 });

        Assert.Equal(0, series.StepAxisStart);
        Assert.Equal(100, series.StepAxisEnd);
        Assert.Equal(markers, series.Markers);
    }

    [Theory]
    [InlineData(5, null, 50, "Window")]
    [InlineData(1, 0.2, 50, "Window")]
    [InlineData(5, 1.0, 50, "Threshold")]
    [InlineData(null, 0.0, 50, "Threshold")]
    [InlineData(null, null, 0, "MovingAverageWindow")]
    public void From_InvalidSettings_NameTheProperty(int? window, double? threshold, int movingAverage, string property)
    {
        var history = new[] { new HistoryRow(0, 1, 1, null, false) };

        var e = Assert.ThrowsAny<ArgumentException>(() => TrainingPlotSeries.From(
            new TrainingPlotData { History = history, Window = window, Threshold = threshold, MovingAverageWindow = movingAverage }));

        Assert.Equal(property, e.ParamName);
        Assert.StartsWith(property, e.Message, StringComparison.Ordinal);
    }
}
