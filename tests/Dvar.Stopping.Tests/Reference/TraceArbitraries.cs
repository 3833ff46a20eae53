using FsCheck;
using FsCheck.Fluent;

namespace Dvar.Stopping.Tests.Reference;

/// <summary>FsCheck generators of loss-like traces, including the adversarial ones: a large offset with tiny noise
/// (1e6 ± 1e-6), tiny scales (1e-9), plateaus and constant runs, step changes, decays and ramps.</summary>
/// <remarks>
/// A trace is offset + unit·(concatenated segments). Segments are chosen by FsCheck (kind, length, level, noise); the
/// noise inside a segment comes from a seeded <see cref="System.Random"/>, so a failing case prints its recipe and replays.
/// </remarks>
public static class TraceArbitraries
{
    private static readonly double[] Offsets = [0, 0, 1, -3, 1e6, 1e-9];
    private static readonly double[] Units = [1, 1, 1e-3, 1e-6, 1e-9, 1e3];
    private static readonly double[] Noises = [0, 0.001, 0.1, 1];

    public static Arbitrary<Trace> Trace() => Arb.From(TraceGen(1, 4, 120));

    /// <summary>Traces of <paramref name="minSegments"/> to <paramref name="maxSegments"/> segments of 1 to
    /// <paramref name="maxLength"/> values each.</summary>
    public static Gen<Trace> TraceGen(int minSegments, int maxSegments, int maxLength) =>
        from offset in Gen.Elements(Offsets)
        from unit in Gen.Elements(Units)
        from count in Gen.Choose(minSegments, maxSegments)
        from segments in Gen.ListOf(SegmentGen(maxLength), count)
        from seed in Gen.Choose(0, int.MaxValue)
        select Build(offset, unit, [.. segments], seed);

    private static Gen<Segment> SegmentGen(int maxLength) =>
        from kind in Gen.Elements(SegmentKind.Noise, SegmentKind.Constant, SegmentKind.Decay, SegmentKind.Ramp)
        from length in Gen.Choose(1, maxLength)
        from level in Gen.Choose(-50, 50)
        from noise in Gen.Elements(Noises)
        select new Segment(kind, length, level / 10.0, noise);

    private static Trace Build(double offset, double unit, Segment[] segments, int seed)
    {
        var random = new System.Random(seed);
        var values = new List<double>();
        foreach (Segment segment in segments)
        {
            for (int i = 0; i < segment.Length; i++)
            {
                double shape = segment.Kind switch
                {
                    SegmentKind.Constant => segment.Level,
                    SegmentKind.Decay => segment.Level * Math.Exp(-i / 20.0),
                    SegmentKind.Ramp => segment.Level * i / segment.Length,
                    _ => segment.Level,
                };
                double noise = segment.Kind == SegmentKind.Constant ? 0 : segment.Noise * Normal(random);
                values.Add(offset + (unit * (shape + noise)));
            }
        }

        string recipe = $"offset {offset:R}, unit {unit:R}, seed {seed}, segments [{string.Join("; ", segments)}]";
        return new Trace(recipe, [.. values]);
    }

    private static double Normal(System.Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private enum SegmentKind
    {
        Noise,
        Constant,
        Decay,
        Ramp,
    }

    private sealed record Segment(SegmentKind Kind, int Length, double Level, double Noise);
}
