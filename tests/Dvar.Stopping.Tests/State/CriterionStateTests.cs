using System.Text.Json.Nodes;
using Dvar.Stopping.Composition;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Tests.Reference;

namespace Dvar.Stopping.Tests.State;

/// <summary>Rejections of a state document by RestoreState: each names the field and changes nothing.</summary>
public sealed class CriterionStateTests
{
    public static TheoryData<string, string> Corruptions => new()
    {
        { """{"version":2}""", "version" },
        { """{"version":"1"}""", "version" },
        { """{"format":"something-else"}""", "format" },
        { """{"kind":"hall"}""", "kind" },
        { """{"options":{"window":440,"threshold":0.15,"nonFinite":"Stop"}}""", "options.window" },
        { """{"options":{"window":310,"threshold":0.2,"nonFinite":"Stop"}}""", "options.threshold" },
        { """{"options":{"window":310,"threshold":0.15,"nonFinite":"Ignore"}}""", "options.nonFinite" },
        { """{"options":{"window":310,"threshold":0.15}}""", "options.nonFinite" },
        { """{"observations":-1}""", "observations" },
        { """{"observations":null}""", "observations" },
        { """{"fired":true}""", "reason" },
        { """{"reason":"Exploded"}""", "reason" },
        { """{"window":[1,2,3]}""", "window" },
        { """{"window":[1,2,3,"x",5]}""", "window[3]" },
        { """{"frontCount":6}""", "frontCount" },
        { """{"historyM2":-1}""", "historyM2" },
        { """{"historyScale":1}""", "historyScale" },
        { """{"historyScale":1024}""", "historyScale" },
        { """{"historyScale":"0"}""", "historyScale" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void RestoreState_CorruptedDvarDocument_ThrowsNamingTheFieldAndChangesNothing(string patch, string field)
    {
        var saved = new DvarCriterion(DvarOptions.TextualInversion);
        Traces.Run(saved, [1, 2, 3, 4, 5]);
        JsonObject state = Patch(saved.SaveState(), patch);
        var target = new DvarCriterion(DvarOptions.TextualInversion);
        Traces.Run(target, [9, 8]);
        JsonObject before = target.SaveState();

        var ex = Assert.Throws<FormatException>(() => target.RestoreState(state));

        Assert.StartsWith(field + ":", ex.Message, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(before, target.SaveState()));
    }

    [Fact]
    public void RestoreState_DifferentOptions_NamesBothValuesAndNeverAdoptsThem()
    {
        var saved = new DvarCriterion(DvarOptions.DreamBoothLora);
        var target = new DvarCriterion(DvarOptions.TextualInversion);

        var ex = Assert.Throws<FormatException>(() => target.RestoreState(saved.SaveState()));

        Assert.Contains("options.window: the state was saved with 440, this criterion has 310", ex.Message, StringComparison.Ordinal);
        Assert.Equal(310, target.Options.Window);
    }

    [Fact]
    public void RestoreState_UnknownExtraField_IsIgnored()
    {
        var saved = new PatienceCriterion(PatienceOptions.CustomDiffusion);
        Traces.Run(saved, [0.5, 0.6, 0.55]);
        JsonObject state = saved.SaveState();
        state["addedInALaterVersion"] = 42;
        var target = new PatienceCriterion(PatienceOptions.CustomDiffusion);

        target.RestoreState(state);

        Assert.Equal(saved.Observe(0.1), target.Observe(0.1));
    }

    [Fact]
    public void RestoreState_CompositeWithDifferentChildren_NamesTheChildren()
    {
        var saved = new AnyOfCriterion(CriterionCatalog.Create("dvar"), CriterionCatalog.Create("hall"));
        var target = new AnyOfCriterion(CriterionCatalog.Create("dvar"), CriterionCatalog.Create("trend"));

        var ex = Assert.Throws<FormatException>(() => target.RestoreState(saved.SaveState()));

        Assert.StartsWith("options.children:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreState_CompositeWhoseSecondChildIsRejected_NamesItAndRestoresNoChild()
    {
        var saved = new AllOfCriterion(CriterionCatalog.Create("dvar"), CriterionCatalog.Create("fixed"));
        Traces.Run(saved, Traces.Normal(30, seed: 1));
        JsonObject state = saved.SaveState();
        state["children"]![1]!["observations"] = -3;
        var target = new AllOfCriterion(CriterionCatalog.Create("dvar"), CriterionCatalog.Create("fixed"));
        Traces.Run(target, [1, 2, 3]);
        JsonObject before = target.SaveState();

        var ex = Assert.Throws<FormatException>(() => target.RestoreState(state));

        Assert.StartsWith("children[1].observations:", ex.Message, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(before, target.SaveState()));
        Assert.Equal(3, target.Children[0].Observations);
    }

    [Fact]
    public void RestoreState_Null_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new HallCriterion(new HallOptions { Window = 2, Threshold = 1 }).RestoreState(null!));

    private static JsonObject Patch(JsonObject state, string patch)
    {
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            state[key] = value?.DeepClone();
        }

        return state;
    }
}
