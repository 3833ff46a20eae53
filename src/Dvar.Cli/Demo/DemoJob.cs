using System.Diagnostics;
using Dvar.Demo;
using Dvar.Demo.Metric;
using Dvar.Demo.Training;
using Dvar.Demo.World;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Cli.Demo;

/// <summary>One (method, concept) pair of the demo: the untrained token's quality, then three training runs from the same
/// seeds (the whole budget, CLIP-s, DVAR), each measured for wall time and for the quality of the parameters it keeps.</summary>
/// <remarks>The runs share the training seed and the evaluation seed, so they train exactly the same parameters step for step
/// (the library's evaluator and scorer never draw from the training generator); they differ only in where they stop.</remarks>
internal sealed class DemoJob
{
    private readonly string _assets;
    private readonly string _photos;
    private readonly string _folder;
    private readonly int _budget;
    private readonly long _seed;

    /// <summary>Prepares a job.</summary>
    /// <param name="recipe">The method's recipe.</param>
    /// <param name="concept">The concept.</param>
    /// <param name="assets">The demo assets folder.</param>
    /// <param name="photos">The concept's photo folder.</param>
    /// <param name="folder">The job's output folder.</param>
    /// <param name="budget">The step budget (the recipe's unless shortened).</param>
    /// <param name="seed">The training seed.</param>
    public DemoJob(DemoRecipe recipe, ToyConcept concept, string assets, string photos, string folder, int budget, long seed)
    {
        Recipe = recipe;
        Concept = concept;
        _assets = assets;
        _photos = photos;
        _folder = folder;
        _budget = budget;
        _seed = seed;
    }

    /// <summary>Gets the concept's photo folder.</summary>
    public string PhotoFolder => _photos;

    /// <summary>Gets the recipe.</summary>
    public DemoRecipe Recipe { get; }

    /// <summary>Gets the concept.</summary>
    public ToyConcept Concept { get; }

    /// <summary>Gets the job's name, e.g. "textual-inversion purple-triangle".</summary>
    public string Name => $"{Commands.TrainMethodCommand.NameOf(Recipe.Method)} {Concept.Name}";

    /// <summary>Runs the job.</summary>
    /// <param name="progress">Receives the phase and step.</param>
    /// <param name="cancellationToken">Cancels between steps.</param>
    /// <returns>The measurements, and the samples for the grid.</returns>
    public (DemoJobResult Result, DemoJobSamples Samples) Run(IProgress<DemoJobProgress> progress, CancellationToken cancellationToken)
    {
        var samples = new DemoJobSamples();
        try
        {
            var initial = MeasureInitial(samples, progress, cancellationToken);
            var trace = new DemoTrace();
            var budget = Train(DemoRunKind.Budget, samples, trace, progress, cancellationToken);
            var clips = Train(DemoRunKind.ClipS, samples, null, progress, cancellationToken);
            var dvar = Train(DemoRunKind.Dvar, samples, null, progress, cancellationToken);
            var runs = new Dictionary<DemoRunKind, DemoRunResult> { [DemoRunKind.Budget] = budget.Run, [DemoRunKind.ClipS] = clips.Run, [DemoRunKind.Dvar] = dvar.Run };
            var result = new DemoJobResult(
                Recipe,
                Concept,
                initial,
                runs,
                trace.TrainLoss,
                trace.DeterministicLoss,
                budget.Scores,
                ReplayDvar(trace.DeterministicLoss),
                Path.Combine(_folder, "figure.png"),
                Path.Combine(_folder, "samples.png"));
            return (result, samples);
        }
        catch
        {
            samples.Dispose();
            throw;
        }
    }

    /// <summary>Where DVAR with the recipe's settings would have stopped on a trace of L_det (steps 0, 1, ...).</summary>
    private long? ReplayDvar(IReadOnlyList<double> deterministicLoss)
    {
        var criterion = new DvarCriterion(Recipe.Dvar);
        for (int step = 0; step < deterministicLoss.Count; step++)
        {
            if (criterion.Observe(deterministicLoss[step]).ShouldStop)
            {
                return step;
            }
        }

        return null;
    }

    private DemoQuality MeasureInitial(DemoJobSamples samples, IProgress<DemoJobProgress> progress, CancellationToken cancellationToken)
    {
        progress.Report(new DemoJobProgress(Name, "init", 0, 0));
        using var setup = Setup();
        using var metric = ToyMetric.FromPretrained(DemoAssets.MetricFolder(_assets));
        var (quality, images) = Measure(setup.Method.Pipeline!, setup.Data, metric, cancellationToken);
        samples.Add("init", images);
        return quality;
    }

    private (DemoRunResult Run, IReadOnlyList<ScoredStep> Scores) Train(
        DemoRunKind kind, DemoJobSamples samples, DemoTrace? trace, IProgress<DemoJobProgress> progress, CancellationToken cancellationToken)
    {
        string phase = DemoNames.Of(kind);
        string folder = Path.Combine(_folder, phase);
        using var setup = Setup();
        using var metric = ToyMetric.FromPretrained(DemoAssets.MetricFolder(_assets));
        using var scorer = kind == DemoRunKind.Dvar ? null : new ConceptScorer(metric, setup.Data, DemoQualityOptions.Periodic);
        var options = new PersonalizationTrainerOptions
        {
            Method = setup.Method,
            Data = setup.Data,
            OutputFolder = folder,
            MaxSteps = _budget,
            LearningRate = Recipe.LearningRate,
            BatchSize = Recipe.BatchSize,
            TrainingSeed = _seed,
            EvaluationSeed = _seed + 1,
            EvaluationBatchSize = DemoTraining.EvaluationBatchSize,
            EvaluationFrequency = kind == DemoRunKind.ClipS ? 0 : 1,
            Criterion = kind switch
            {
                DemoRunKind.Dvar => new DvarCriterion(Recipe.Dvar),
                // The budget run's L_det (observations 0..budget) only feeds the figures; CLIP-s evaluates no L_det at all.
                _ => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = _budget + 1 }),
            },
            Scoring = scorer is null ? null : new SampleScoringOptions
            {
                Scorer = scorer,
                Every = kind == DemoRunKind.ClipS ? DemoRecipe.ClipSScoreEvery : DemoRecipe.BudgetScoreEvery,
                Criterion = kind == DemoRunKind.ClipS ? new PatienceCriterion(Recipe.Patience) : null,
            },
        };
        var reporter = new StepReporter(progress, Name, phase, trace);
        var clock = Stopwatch.StartNew();
        var result = new PersonalizationTrainer(options, logger: null, reporter).Train(cancellationToken);
        clock.Stop();
        var (quality, images) = Measure(setup.Method.Pipeline!, setup.Data, metric, cancellationToken);
        samples.Add(phase, images);
        var run = new DemoRunResult(kind, result.StepsTrained, result.SavedStep, clock.Elapsed, result.TrainingTime, result.EvaluationTime, result.ScoringTime, quality, folder);
        return (run, result.Scores);
    }

    private (DemoQuality Quality, Tensor Images) Measure(StableDiffusionPipeline pipeline, ConceptData data, ToyMetric metric, CancellationToken cancellationToken)
    {
        using var scorer = new ConceptScorer(metric, data, DemoQualityOptions.Final);
        pipeline.Unet.eval();
        pipeline.TextEncoder.eval();
        using var samples = scorer.Sample(pipeline, cancellationToken: cancellationToken);
        var scores = scorer.Score(samples);
        double concept = ConceptAccuracy(metric, samples.TrainImages);
        double validationConcept = ConceptAccuracy(metric, samples.ValidationImages!);
        var quality = new DemoQuality(scores.TrainImage, scores.ValidationImage ?? double.NaN, scores.ValidationText ?? double.NaN, concept, validationConcept);
        var images = cat([samples.TrainImages, samples.ValidationImages!], 0);
        return (quality, images);
    }

    private double ConceptAccuracy(ToyMetric metric, Tensor images) =>
        metric.Predict(images).Average(a => a.Color == Concept.Color && a.Shape == Concept.Shape ? 1.0 : 0.0);

    /// <summary>A fresh pipeline with the method attached, and the concept's data.</summary>
    private DemoSetup Setup()
    {
        var pipeline = StableDiffusionPipeline.FromPretrained(DemoAssets.PipelineFolder(_assets));
        PersonalizationMethod? method = null;
        try
        {
            method = Recipe.CreateMethod(Concept);
            method.Attach(pipeline);
            return new DemoSetup(pipeline, method, DemoTraining.LoadConcept(_photos, method.Placeholder));
        }
        catch
        {
            method?.Dispose();
            pipeline.Dispose();
            throw;
        }
    }

    /// <summary>Turns the trainer's per-step reports into the job's progress and, for the budget run, its traces.</summary>
    private sealed class StepReporter(IProgress<DemoJobProgress> progress, string job, string phase, DemoTrace? trace) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (trace is not null)
            {
                if (value.TrainingLoss is { } train)
                {
                    trace.TrainLoss.Add(train);
                }

                if (value.DeterministicLoss is { } det)
                {
                    trace.DeterministicLoss.Add(det);
                }
            }

            progress.Report(new DemoJobProgress(job, phase, value.Step, value.MaxSteps));
        }
    }
}
