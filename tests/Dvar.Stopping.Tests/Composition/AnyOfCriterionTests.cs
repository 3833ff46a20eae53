using Dvar.Stopping.Composition;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Composition;

public sealed class AnyOfCriterionTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_SingleChild_SameDecisionsAsTheChild_Meets_Specification(Trace trace, int childSeed)
    {
        Func<IStoppingCriterion> make = CompositionCases.Child(childSeed);

        Assert.Equal(Traces.Run(make(), trace.Values), Traces.Run(new AnyOfCriterion(make()), trace.Values));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_SeveralChildren_FiresAtTheEarliestChild_Meets_Specification(Trace trace, int a, int b, int c)
    {
        Func<IStoppingCriterion>[] makers = [CompositionCases.Child(a), CompositionCases.Child(b), CompositionCases.Child(c)];
        long? expected = makers.Select(m => CompositionCases.FireIndex(m, trace.Values)).Min();

        StopDecision[] forward = Traces.Run(new AnyOfCriterion(makers.Select(m => m())), trace.Values);
        StopDecision[] reversed = Traces.Run(new AnyOfCriterion(makers.Reverse().Select(m => m())), trace.Values);

        Assert.Equal(expected, Traces.FirstStop(forward));
        Assert.Equal(forward.Select(d => d.ShouldStop), reversed.Select(d => d.ShouldStop));
    }

    [Fact]
    public void Observe_TwoChildrenFireTogether_NamesBothAndReportsTheFirst()
    {
        var criterion = new AnyOfCriterion(new RecordingCriterion("a", 5), new RecordingCriterion("b", 2), new RecordingCriterion("c", 2));

        StopDecision[] decisions = Traces.Run(criterion, [1, 2, 3]);

        Assert.Equal(new StopDecision(true, 2, 2, 2, StopReason.ThresholdReached, "b,c"), decisions[1]);
        Assert.Equal(new StopDecision(false, 1, 1, 5, StopReason.None), decisions[0]);
        Assert.Equal("b,c", decisions[2].FiredBy);
    }

    [Fact]
    public void Observe_ChildThrows_AllChildrenStillSeeTheValue()
    {
        var first = new RecordingCriterion("a", 9, throwOnNaN: true);
        var second = new RecordingCriterion("b", 9);
        var criterion = new AnyOfCriterion(first, second);

        Assert.Throws<ArgumentOutOfRangeException>(() => criterion.Observe(double.NaN));

        Assert.Single(second.Seen);
        Assert.Equal(0, criterion.Observations);
    }

    [Fact]
    public void Ctor_InvalidChildren_ThrowNamingChildren()
    {
        var child = new RecordingCriterion("a", 1);

        Assert.Equal("children", Assert.Throws<ArgumentNullException>(() => new AnyOfCriterion((IStoppingCriterion[])null!)).ParamName);
        Assert.Equal("children", Assert.Throws<ArgumentException>(() => new AnyOfCriterion()).ParamName);
        var nullChild = Assert.Throws<ArgumentNullException>(() => new AnyOfCriterion(child, null!));
        Assert.Contains("children[1] is null", nullChild.Message, StringComparison.Ordinal);
        var duplicate = Assert.Throws<ArgumentException>(() => new AnyOfCriterion(child, child));
        Assert.Contains("children[1] is the same instance as children[0]", duplicate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_IsAnyOf() => Assert.Equal("anyOf", new AnyOfCriterion(new RecordingCriterion("a", 1)).Name);
}
