using TorchSharp;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Counts the native tensors a test thread holds, through TorchSharp's per-thread dispose statistics.</summary>
/// <remarks>
/// <c>ThreadTotalLiveCount</c> counts the tensors created on this thread minus those disposed on it. A tensor that is never
/// disposed stays counted even after the garbage collector finalizes it (on the finalizer thread), so a leak shows as growth.
/// </remarks>
internal static class LiveTensors
{
    /// <summary>Gets the number of tensors created on this thread and not disposed on it.</summary>
    public static long OnThisThread => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    /// <summary>Runs <paramref name="iteration"/> <paramref name="warmup"/> times, then <paramref name="times"/> times, and asserts
    /// that the live count after equals the count before the timed part.</summary>
    public static void AssertNoGrowth(int times, Action iteration, int warmup = 2)
    {
        for (int i = 0; i < warmup; i++)
        {
            iteration();
        }

        long before = OnThisThread;
        for (int i = 0; i < times; i++)
        {
            iteration();
        }

        long after = OnThisThread;
        Assert.True(after == before, $"{after - before} more live tensors after {times} iterations ({before} before, {after} after): about {(double)(after - before) / times:G3} leaked per iteration.");
    }
}
