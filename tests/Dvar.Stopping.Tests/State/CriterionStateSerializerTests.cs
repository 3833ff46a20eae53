using System.Text.Json.Nodes;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.State;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.State;

public sealed class CriterionStateSerializerTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Restore_SavedAtAnySplit_ContinuesBitForBit_Meets_Specification(Trace trace, int kindSeed, int splitSeed)
    {
        string kind = CriterionCatalog.KindAt(kindSeed);
        int split = Math.Abs(splitSeed % (trace.Values.Length + 1));
        StopDecision[] uninterrupted = Traces.Run(CriterionCatalog.Create(kind), trace.Values);
        IStoppingCriterion before = CriterionCatalog.Create(kind);
        Traces.Run(before, trace.Values[..split]);

        IStoppingCriterion fromText = CriterionCatalog.Create(kind);
        CriterionStateSerializer.Restore(fromText, CriterionStateSerializer.Serialize(before));
        IStoppingCriterion fromObject = CriterionCatalog.Create(kind);
        fromObject.RestoreState(before.SaveState());

        Assert.Equal((before.Observations, before.HasFired), (fromText.Observations, fromText.HasFired));
        Assert.Equal(uninterrupted[split..], Traces.Run(fromText, trace.Values[split..]));
        Assert.Equal(uninterrupted[split..], Traces.Run(fromObject, trace.Values[split..]));
    }

    [Fact]
    public void Serialize_Dvar_WritesTheVersionedDocument()
    {
        var criterion = new DvarCriterion(new DvarOptions { Window = 3, Threshold = 0.25 });
        Traces.Run(criterion, [1, 2.5, 0.1, 7]);

        JsonObject document = JsonNode.Parse(CriterionStateSerializer.Serialize(criterion))!.AsObject();

        Assert.Equal("dvar-stopping/criterion-state", (string?)document["format"]);
        Assert.Equal(1, (int?)document["version"]);
        Assert.Equal("dvar", (string?)document["kind"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"window":3,"threshold":0.25,"nonFinite":"Stop"}"""), document["options"]));
        Assert.Equal(4, (long?)document["observations"]);
        Assert.False((bool?)document["fired"]);
        Assert.Equal([2.5, 0.1, 7], document["window"]!.AsArray().Select(v => (double)v!));
    }

    [Fact]
    public void Restore_ExtremeDoublesInTheWindow_RoundTripExactly()
    {
        double[] values = [double.Epsilon, 1e-300, -0.0, 0.1, 1.0 / 3, 1e300, -123456.789e-7, Math.PI];
        var criterion = new HallCriterion(new HallOptions { Window = values.Length, Threshold = 0.5 });
        Traces.Run(criterion, values);
        var restored = new HallCriterion(criterion.Options);

        CriterionStateSerializer.Restore(restored, CriterionStateSerializer.Serialize(criterion));

        double[] saved = [.. restored.SaveState()["window"]!.AsArray().Select(v => (double)v!)];
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), saved.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData(1e300, 960)]
    [InlineData(1e100, 320)]
    [InlineData(1.0, 0)]
    [InlineData(1e-300, -960)]
    public void Restore_DvarAtAnyScale_ContinuesBitForBitAndSavesTheUnit(double unit, int expectedScale)
    {
        // The whole-run moments are saved in the power-of-two unit of the largest value: 2^s with s the binary
        // exponent e rounded to a multiple of 64 below e + 32, clamped to ±960 (1e100: e = 332, s = 320).
        double[] values = Traces.Decay(1_000, 0, unit, timescale: 100, noise: 0.01, seed: 31);
        var options = new DvarOptions { Window = 50, Threshold = 0.15 };
        StopDecision[] uninterrupted = Traces.Run(new DvarCriterion(options), values);
        var before = new DvarCriterion(options);
        Traces.Run(before, values[..400]);
        var restored = new DvarCriterion(options);

        CriterionStateSerializer.Restore(restored, CriterionStateSerializer.Serialize(before));

        Assert.Equal(expectedScale, (int?)before.SaveState()["historyScale"]);
        Assert.Equal(uninterrupted[400..], Traces.Run(restored, values[400..]));
    }

    [Fact]
    public void Restore_DvarDocumentWithoutHistoryScale_ReadsUnscaledMomentsAsBefore()
    {
        // Documents written before "historyScale" existed hold the moments in the values' own units (s = 0).
        double[] values = Traces.Decay(600, 3, 1, timescale: 80, noise: 0.01, seed: 32);
        var options = new DvarOptions { Window = 40, Threshold = 0.15 };
        StopDecision[] uninterrupted = Traces.Run(new DvarCriterion(options), values);
        var before = new DvarCriterion(options);
        Traces.Run(before, values[..300]);
        JsonObject state = before.SaveState();
        Assert.Equal(0, (int?)state["historyScale"]);
        state.Remove("historyScale");
        var restored = new DvarCriterion(options);

        restored.RestoreState(state);

        Assert.Equal(uninterrupted[300..], Traces.Run(restored, values[300..]));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    public void Restore_NotAJsonObject_ThrowsFormatException(string json) =>
        Assert.Throws<FormatException>(() => CriterionStateSerializer.Restore(new DvarCriterion(new DvarOptions()), json));

    [Fact]
    public void Restore_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => CriterionStateSerializer.Restore(null!, "{}"));
        Assert.Throws<ArgumentNullException>(() => CriterionStateSerializer.Restore(new DvarCriterion(new DvarOptions()), null!));
        Assert.Throws<ArgumentNullException>(() => CriterionStateSerializer.Serialize(null!));
    }
}
