using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Runs libtorch single-threaded in this test assembly.</summary>
/// <remarks>xunit already runs test classes in parallel, one per core; libtorch's default of one intra-op thread per
/// core on top of that oversubscribes the machine (measured: tiny-model training steps about ten times slower on 2
/// loaded cores). The count is set once, before any test runs: changing it mid-run is not safe.</remarks>
internal static class TorchThreads
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "Test assembly: one process-wide setting before any test.")]
    internal static void UseOneThread() => set_num_threads(1);
}
