using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;

namespace Dvar.Stopping.Tests.Criteria;

/// <summary>Every option that sizes a buffer allocated up front has an upper bound, checked before anything is
/// allocated, whose message gives the bound and what the value would cost.</summary>
public sealed class OptionBoundsTests
{
    // Bytes per value: DVAR 8 (the value) + 40 (count, shift, unit, mean, M2); Hall 8 + 16 (max, min);
    // Trend 8 + 56 (count, two shifts, unit, two means, co-moment); EMA 8 (one EMA value).
    // 2147483647 values: ·48 = 103,079,215,056 B; ·24 = 51.5 GB; ·64 = 137.4 GB; ·8 = 17.2 GB.
    public static TheoryData<string, int, string> TooLarge => new()
    {
        { "dvar", 10_000_001, "Window must be at most 10000000; got 10000001: the DVAR window takes 48 bytes per value, allocated up front, so 10000001 would take 480 MB (10000000 takes 480 MB)." },
        { "dvar", int.MaxValue, "Window must be at most 10000000; got 2147483647: the DVAR window takes 48 bytes per value, allocated up front, so 2147483647 would take 103.1 GB (10000000 takes 480 MB)." },
        { "hall", int.MaxValue, "Window must be at most 10000000; got 2147483647: the Hall window takes 24 bytes per value, allocated up front, so 2147483647 would take 51.5 GB (10000000 takes 240 MB)." },
        { "trend", int.MaxValue, "Window must be at most 10000000; got 2147483647: the Trend window takes 64 bytes per value, allocated up front, so 2147483647 would take 137.4 GB (10000000 takes 640 MB)." },
        { "ema", int.MaxValue, "Lag must be at most 10000000; got 2147483647: the EMA lag buffer takes 8 bytes per value, allocated up front, so 2147483647 would take 17.2 GB (10000000 takes 80 MB)." },
    };

    [Theory]
    [MemberData(nameof(TooLarge))]
    public void Ctor_SizeAboveTheBound_ThrowsBeforeAllocatingWithTheBoundAndTheCost(string kind, int size, string message)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create(kind, size));

        Assert.Equal(kind == "ema" ? "Lag" : "Window", ex.ParamName);
        Assert.Equal(message, ex.Message.Split(" (Parameter")[0]);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "allocated the buffer before checking its size");
    }

    [Fact]
    public void Validate_SizeAtTheBound_IsAccepted()
    {
        new DvarOptions { Window = DvarOptions.MaxWindow }.Validate();
        new HallOptions { Window = HallOptions.MaxWindow, Threshold = 0.1 }.Validate();
        new TrendOptions { Window = TrendOptions.MaxWindow, Threshold = 0.1 }.Validate();
        new EmaPercentileOptions { Lag = EmaPercentileOptions.MaxLag, Threshold = 0.1 }.Validate();
        Assert.Equal(10_000_000, DvarOptions.MaxWindow);
    }

    [Fact]
    public void Ctor_PatienceAndBudgetAtTheirLargestValues_AllocateNothingAndWork()
    {
        // Neither sizes memory (a count and a comparison), so neither has a bound below its type's maximum.
        var patience = new PatienceCriterion(new PatienceOptions { Patience = int.MaxValue });
        var budget = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = long.MaxValue });

        Assert.DoesNotContain(Traces.Run(patience, [1, 0, 0, 0]), d => d.ShouldStop);
        Assert.DoesNotContain(Traces.Run(budget, [1, 0, 0, 0]), d => d.ShouldStop);
    }

    private static IStoppingCriterion Create(string kind, int size) => kind switch
    {
        "dvar" => new DvarCriterion(new DvarOptions { Window = size }),
        "hall" => new HallCriterion(new HallOptions { Window = size, Threshold = 0.1 }),
        "trend" => new TrendCriterion(new TrendOptions { Window = size, Threshold = 0.1 }),
        _ => new EmaPercentileCriterion(new EmaPercentileOptions { Lag = size, Threshold = 0.1 }),
    };
}
