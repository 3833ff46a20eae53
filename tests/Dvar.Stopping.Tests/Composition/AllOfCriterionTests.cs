using Dvar.Stopping.Composition;
using Dvar.Stopping.Tests.Reference;
using FsCheck.Xunit;

namespace Dvar.Stopping.Tests.Composition;

public sealed class AllOfCriterionTests
{
    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_SingleChild_SameDecisionsAsTheChild_Meets_Specification(Trace trace, int childSeed)
    {
        Func<IStoppingCriterion> make = CompositionCases.Child(childSeed);

        Assert.Equal(Traces.Run(make(), trace.Values), Traces.Run(new AllOfCriterion(make()), trace.Values));
    }

    [Property(Arbitrary = [typeof(TraceArbitraries)])]
    public void Observe_SeveralChildren_FiresWhenTheLastChildHasFired_Meets_Specification(Trace trace, int a, int b, int c)
    {
        Func<IStoppingCriterion>[] makers = [CompositionCases.Child(a), CompositionCases.Child(b), CompositionCases.Child(c)];
        long?[] fired = [.. makers.Select(m => CompositionCases.FireIndex(m, trace.Values))];
        long? expected = fired.Any(f => f is null) ? null : fired.Max();

        StopDecision[] forward = Traces.Run(new AllOfCriterion(makers.Select(m => m())), trace.Values);
        StopDecision[] reversed = Traces.Run(new AllOfCriterion(makers.Reverse().Select(m => m())), trace.Values);

        Assert.Equal(expected, Traces.FirstStop(forward));
        Assert.Equal(forward.Select(d => d.ShouldStop), reversed.Select(d => d.ShouldStop));
    }

    [Fact]
    public void Observe_ChildrenFireAtDifferentTimes_NamesAllAndReportsTheLastToFire()
    {
        var criterion = new AllOfCriterion(new RecordingCriterion("a", 3), new RecordingCriterion("b", 1), new RecordingCriterion("c", 2));

        StopDecision[] decisions = Traces.Run(criterion, [1, 2, 3, 4]);

        Assert.Equal(new StopDecision(false, 1, 1, 3, StopReason.None), decisions[0]);
        Assert.Equal(new StopDecision(true, 3, 3, 3, StopReason.ThresholdReached, "a,b,c"), decisions[2]);
        Assert.Equal(new StopDecision(true, 4, 4, 3, StopReason.ThresholdReached, "a,b,c"), decisions[3]);
    }

    [Fact]
    public void Ctor_NoChildren_ThrowsNamingChildren() =>
        Assert.Equal("children", Assert.Throws<ArgumentException>(() => new AllOfCriterion(Array.Empty<IStoppingCriterion>())).ParamName);

    [Fact]
    public void Name_IsAllOf() => Assert.Equal("allOf", new AllOfCriterion(new RecordingCriterion("a", 1)).Name);
}
