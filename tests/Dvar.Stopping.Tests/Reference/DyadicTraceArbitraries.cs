using FsCheck;
using FsCheck.Fluent;

namespace Dvar.Stopping.Tests.Reference;

/// <summary>Traces on the grid of multiples of 1/1024 in about ±20, so that adding an integer constant or negating is
/// exact in float64: invariance properties can then demand bit-identical decisions.</summary>
public static class DyadicTraceArbitraries
{
    public static Arbitrary<Trace> Trace() => Arb.From(
        from trace in TraceArbitraries.TraceGen(1, 4, 100)
        select new Trace(
            "dyadic " + trace.Description,
            [.. trace.Values.Select(v => Math.Round(Math.Clamp(v, -20, 20) * 1024) / 1024)]));
}
