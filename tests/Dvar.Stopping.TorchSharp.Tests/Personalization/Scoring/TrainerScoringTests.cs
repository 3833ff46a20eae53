using System.Globalization;
using System.Text.Json.Nodes;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Personalization.Training;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Scoring;

/// <summary>Periodic sample scoring inside <see cref="PersonalizationTrainer"/>: the quality curve and the CLIP-s stop.</summary>
public class TrainerScoringTests
{
    private static readonly ConceptScorerOptions Quick = new() { TrainSamples = 2, ValidationTemplates = ["{} at night"], SamplesPerValidationPrompt = 1, Steps = 2, GuidanceScale = 2, Seed = 5 };

    [Fact]
    public void Train_WithScoring_TrainsBitIdenticalParametersToARunWithout()
    {
        var scored = Run(maxSteps: 12, every: 4, criterion: null);
        var plain = Run(maxSteps: 12, every: null, criterion: null);

        Assert.Equal(plain.Embedding, scored.Embedding);
        Assert.Equal(plain.History, scored.History);
        Assert.Equal(TimeSpan.Zero, plain.Result.ScoringTime);
        Assert.True(scored.Result.ScoringTime > TimeSpan.Zero);
    }

    [Fact]
    public void Train_ScoringEveryFourSteps_ScoresStepZeroAndEveryFourthStepAndWritesThem()
    {
        var run = Run(maxSteps: 10, every: 4, criterion: null);

        Assert.Equal([0L, 4, 8], run.Result.Scores.Select(s => s.Step));
        string[] rows = run.Scores!.TrimEnd('\n').Split('\n');
        Assert.Equal("step,train_img,val_img,val_txt,train_img_all_pairs,dino_img", rows[0]);
        Assert.Equal(run.Result.Scores.Count, rows.Length - 1);
        for (int i = 0; i < run.Result.Scores.Count; i++)
        {
            var cells = rows[i + 1].Split(',');
            Assert.Equal(run.Result.Scores[i].Step, long.Parse(cells[0], CultureInfo.InvariantCulture));
            Assert.Equal(run.Result.Scores[i].Scores.TrainImage, double.Parse(cells[1], CultureInfo.InvariantCulture));
            Assert.Equal(run.Result.Scores[i].Scores.TrainImageAllPairs, double.Parse(cells[4], CultureInfo.InvariantCulture));
            Assert.Equal(string.Empty, cells[5]);
        }

        Assert.Equal(TrainingStopReason.StepCap, run.Result.StopReason);
        Assert.Equal(10, run.Result.SavedStep);
        var summary = JsonNode.Parse(run.Summary)!;
        Assert.Equal("pixels", summary["scoring"]!["metric"]!.GetValue<string>());
        Assert.Equal("scores.csv", summary["scoring"]!["scores"]!.GetValue<string>());
    }

    [Fact]
    public void Train_ScoreCriterion_StopsWherePatienceOverTheLoggedScoresSaysAndKeepsTheBestStep()
    {
        var patience = new PatienceOptions { Patience = 1, MinDelta = 1.0 }; // nothing improves by 1: fires at the third scoring
        var logged = Run(maxSteps: 30, every: 3, criterion: null);
        var stopped = Run(maxSteps: 30, every: 3, criterion: new PatienceCriterion(patience));

        var replay = new PatienceCriterion(patience);
        int firing = logged.Result.Scores.Select((s, i) => (i, replay.Observe(s.Scores.TrainImage).ShouldStop)).First(p => p.ShouldStop).i;
        Assert.Equal(TrainingStopReason.ScoreCriterionFired, stopped.Result.StopReason);
        Assert.Equal(logged.Result.Scores[firing].Step, stopped.Result.StepsTrained);
        Assert.Equal(logged.Result.Scores.Take(firing + 1), stopped.Result.Scores);

        var best = logged.Result.Scores.Take(firing + 1).MaxBy(s => s.Scores.TrainImage)!;
        Assert.Equal(best.Step, stopped.Result.SavedStep);
        var atBest = Run(maxSteps: (int)best.Step, every: null, criterion: null);
        Assert.Equal(atBest.Embedding, stopped.Embedding);
    }

    [Fact]
    public void Resume_WithScoring_ContinuesExactlyAsAnUninterruptedRun()
    {
        var patience = new PatienceOptions { Patience = 2, MinDelta = 1.0 };
        var whole = Run(maxSteps: 16, every: 3, criterion: new PatienceCriterion(patience));

        using var folder = new TemporaryFolder();
        using (var cancellation = new CancellationTokenSource())
        {
            using var first = Setup(folder);
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step == 5)
                {
                    cancellation.Cancel();
                }
            });
            var trainer = new PersonalizationTrainer(Options(first, 16, 3, new PatienceCriterion(patience)), progress: progress);
            Assert.Throws<OperationCanceledException>(() => trainer.Train(cancellation.Token));
        }

        using var second = Setup(folder);
        var checkpoint = PersonalizationTrainer.FindLatestCheckpoint(Path.Combine(folder.Path, "out"))!;
        var resumed = new PersonalizationTrainer(Options(second, 16, 3, new PatienceCriterion(patience))).Resume(checkpoint);

        Assert.Equal(whole.Result.Scores, resumed.Scores);
        Assert.Equal(whole.Result.StepsTrained, resumed.StepsTrained);
        Assert.Equal(whole.Result.SavedStep, resumed.SavedStep);
        Assert.Equal(whole.Result.StopReason, resumed.StopReason);
        Assert.Equal(whole.Embedding, SafetensorsFile.ReadAll(resumed.ArtifactPaths[0])["<toy>"].data<float>().ToArray());
    }

    [Fact]
    public void Options_ScorerOfAnotherPlaceholder_ThrowsNamingScoring()
    {
        using var folder = new TemporaryFolder();
        using var setup = Setup(folder);
        using var otherData = TinyConcept.Create(folder, placeholder: "<other>");
        using var scorer = new ConceptScorer(new PixelMetric(), otherData, Quick);
        var options = Options(setup, 4, null, null) with { Scoring = new SampleScoringOptions { Scorer = scorer } };

        var e = Assert.Throws<ArgumentException>(() => new PersonalizationTrainer(options));

        Assert.Equal("Scoring", e.ParamName);
    }

    private static (TrainingResult Result, float[] Embedding, string History, string? Scores, string Summary) Run(int maxSteps, int? every, IStoppingCriterion? criterion)
    {
        using var folder = new TemporaryFolder();
        using var setup = Setup(folder);
        var result = new PersonalizationTrainer(Options(setup, maxSteps, every, criterion)).Train();
        var embedding = setup.Method.Embeddings!.detach().data<float>().ToArray();
        var history = File.ReadAllText(result.HistoryCsvPath);
        var scores = result.ScoresCsvPath is { } csv ? File.ReadAllText(csv) : null;
        return (result, embedding, history, scores, File.ReadAllText(result.SummaryPath));
    }

    private static ScoringSetup Setup(TemporaryFolder folder)
    {
        var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        var method = new TextualInversion(new TextualInversionOptions { Recipe = TrainingRecipe.Diffusers, Token = "<toy>", InitializerToken = "toy" });
        method.Attach(pipeline);
        var data = TinyConcept.Create(folder, placeholder: method.Placeholder);
        return new ScoringSetup(pipeline, method, data, new ConceptScorer(new PixelMetric(), data, Quick), Path.Combine(folder.Path, "out"));
    }

    private static PersonalizationTrainerOptions Options(ScoringSetup setup, int maxSteps, int? every, IStoppingCriterion? criterion) => new()
    {
        Method = setup.Method,
        Data = setup.Data,
        OutputFolder = setup.Output,
        MaxSteps = maxSteps,
        LearningRate = 0.05,
        EvaluationBatchSize = 2,
        TrainingSeed = 3,
        Criterion = new FixedBudgetCriterion(new FixedBudgetOptions { Budget = 1000 }),
        Scoring = every is { } k ? new SampleScoringOptions { Scorer = setup.Scorer, Every = k, Criterion = criterion } : null,
    };

    private sealed record ScoringSetup(StableDiffusionPipeline Pipeline, TextualInversion Method, ConceptData Data, ConceptScorer Scorer, string Output) : IDisposable
    {
        public void Dispose()
        {
            Scorer.Dispose();
            Data.Dispose();
            Method.Dispose();
            Pipeline.Dispose();
        }
    }
}
