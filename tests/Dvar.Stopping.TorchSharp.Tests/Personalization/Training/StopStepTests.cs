using System.Text.Json.Nodes;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>Which step's parameters a stopped run saves. The authors' loop (textual_inversion.py:415-558) evaluates the
/// parameters after g steps, asks the criterion, then still calls optimizer.step() and only breaks at the next iteration: it
/// reports and saves g + 1 steps. <see cref="PersonalizationDefaults.OptimizerStepAfterStop"/> reproduces that; without it the
/// evaluated parameters are saved.</summary>
public class StopStepTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Train_CriterionFires_SavesTheStepTheRecipeSaysAndRecordsTheAuthorsNumber(bool stepAfterStop)
    {
        var defaults = SingleParameterMethod.TestDefaults with { OptimizerStepAfterStop = stepAfterStop };
        var (stopped, stoppedWeights, summary, history) = Run(defaults, maxSteps: 10, new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 4 }));

        long firing = Assert.IsType<long>(stopped.FiringEvaluationStep);
        Assert.InRange(firing, 1, 9);
        Assert.Equal(TrainingStopReason.CriterionFired, stopped.StopReason);
        Assert.Equal(stepAfterStop ? firing + 1 : firing, stopped.StepsTrained);
        Assert.Equal(stopped.StepsTrained, stopped.SavedStep);
        Assert.Equal(firing + 1, stopped.AuthorsStep);
        Assert.Equal(firing, summary["firingEvaluationStep"]!.GetValue<long>());
        Assert.Equal(firing + 1, summary["authorsStep"]!.GetValue<long>());
        Assert.Equal(stopped.StepsTrained, summary["savedStep"]!.GetValue<long>());

        // The same seed without a stop: the saved parameters are those after exactly StepsTrained steps.
        var (plain, plainWeights, _, _) = Run(defaults, maxSteps: (int)stopped.StepsTrained, new DvarCriterion(new DvarOptions { Window = 50 }));
        Assert.Equal(TrainingStopReason.StepCap, plain.StopReason);
        Assert.Null(plain.FiringEvaluationStep);
        Assert.Equal(plainWeights, stoppedWeights);

        // The history ends at the firing evaluation: the extra step is trained but not evaluated.
        string[] rows = history.TrimEnd('\n').Split('\n');
        Assert.Equal(firing.ToString(System.Globalization.CultureInfo.InvariantCulture), rows[^1].Split(',')[0]);
    }

    [Fact]
    public void Train_CriterionFiresAtTheCap_TakesNoStepPastIt()
    {
        var defaults = SingleParameterMethod.TestDefaults with { OptimizerStepAfterStop = true };

        // Four observations (steps 0, 1, 2, 3): the budget fires at the cap's evaluation.
        var (result, _, _, _) = Run(defaults, maxSteps: 3, new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 4 }));

        Assert.Equal(3, result.FiringEvaluationStep);
        Assert.Equal(3, result.StepsTrained);
    }

    private static (TrainingResult Result, byte[] Weights, JsonNode Summary, string History) Run(PersonalizationDefaults defaults, int maxSteps, IStoppingCriterion criterion)
    {
        using var setup = Setup.Create(SingleParameterMethod.UnetConvInBias(defaults));
        var options = TrainerRun.Options(setup, maxSteps) with { Criterion = criterion };
        var result = new PersonalizationTrainer(options).Train();
        return (result, File.ReadAllBytes(result.ArtifactPaths[0]), JsonNode.Parse(File.ReadAllText(result.SummaryPath))!, File.ReadAllText(result.HistoryCsvPath));
    }
}
