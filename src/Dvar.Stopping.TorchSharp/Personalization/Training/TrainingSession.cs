using System.Diagnostics;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Evaluation;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Scoring;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.Training;
using Microsoft.Extensions.Logging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Personalization.Training;

/// <summary>The state of one training run: the training generator, optimizer, evaluator, monitor, step counter and timers.</summary>
/// <remarks>Everything a checkpoint saves lives here (see <see cref="TrainingCheckpoint"/>).</remarks>
internal sealed class TrainingSession : IDisposable
{
    private readonly LatentPosteriorCache _instances;
    private readonly LatentPosteriorCache? _classes;
    private readonly TrainingBatchSampler _sampler;
    private readonly DiffusionObjective _objective;
    private readonly Stopwatch _trainingClock = new();
    private readonly Stopwatch _evaluationClock = new();
    private TimeSpan _earlierTrainingTime;
    private TimeSpan _earlierEvaluationTime;

    /// <summary>Builds the run's state from validated options.</summary>
    /// <param name="options">The validated options.</param>
    /// <param name="logger">Where the monitor and evaluator log.</param>
    public TrainingSession(PersonalizationTrainerOptions options, ILogger logger)
    {
        Options = options;
        Method = options.Method;
        Pipeline = Method.Pipeline!;
        var data = options.Data;
        Generator = new Generator((ulong)options.TrainingSeed, CPU);
        _instances = new LatentPosteriorCache(Pipeline, data.Images);
        _classes = data.ClassImages is { } classImages ? new LatentPosteriorCache(Pipeline, classImages) : null;
        _sampler = new TrainingBatchSampler(Pipeline, data, _instances, _classes, options.EffectiveBatchSize, Method.Defaults.RandomFlip,
            RescaleAugmentation.StyleFor(Method, data));
        _objective = new DiffusionObjective(Pipeline, options.EffectivePriorLossWeight);
        Parameters = [.. Method.TrainableParameters.Select(p => p.Parameter)];
        Optimizer = optim.AdamW(Parameters, options.EffectiveLearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 1e-2);
        Monitor = new StoppingMonitor(options.Criterion ?? new DvarCriterion(Method.Defaults.Dvar), options.Monitor, logger);
        // A separate evaluation method has its own pipeline, whose VAE encodes the evaluation images itself.
        Evaluator = options.EvaluationFrequency > 0
            ? new DeterministicEvaluator(
                options.EvaluationMethod ?? Method, data, options.EvaluatorOptions, options.EvaluationMethod is null ? _instances : null, logger)
            : null;
        Scoring = options.Scoring is { } scoring ? new ScoreTracker(scoring, Method) : null;
    }

    /// <summary>The run's options.</summary>
    public PersonalizationTrainerOptions Options { get; }

    /// <summary>The method being trained.</summary>
    public PersonalizationMethod Method { get; }

    /// <summary>The method's pipeline.</summary>
    public StableDiffusionPipeline Pipeline { get; }

    /// <summary>The training generator (CPU): every training batch is drawn from it and nothing else draws from it.</summary>
    public Generator Generator { get; }

    /// <summary>The trainable parameters, in <see cref="PersonalizationMethod.TrainableParameters"/> order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The optimizer.</summary>
    public AdamW Optimizer { get; }

    /// <summary>The monitor that feeds L_det to the criterion.</summary>
    public StoppingMonitor Monitor { get; }

    /// <summary>The evaluator, or null when <see cref="PersonalizationTrainerOptions.EvaluationFrequency"/> is 0.</summary>
    public DeterministicEvaluator? Evaluator { get; }

    /// <summary>The periodic sample scoring, or null when <see cref="PersonalizationTrainerOptions.Scoring"/> is null.</summary>
    public ScoreTracker? Scoring { get; }

    /// <summary>Whether either the L_det criterion or the scoring criterion has said stop.</summary>
    public bool ShouldStop => Monitor.ShouldStop || (Scoring?.ShouldStop ?? false);

    /// <summary>The number of optimizer steps taken (including those before a resume).</summary>
    public long Step { get; private set; }

    /// <summary>The step whose L_det evaluation made the criterion fire, or null when it did not fire (set by the trainer).</summary>
    public long? FiringEvaluationStep { get; set; }

    /// <summary>The training loss of the last step, or null before the first.</summary>
    public double? LastTrainingLoss { get; private set; }

    /// <summary>The time spent in training steps, earlier sessions included.</summary>
    public TimeSpan TrainingTime => _earlierTrainingTime + _trainingClock.Elapsed;

    /// <summary>The time spent evaluating, earlier sessions included.</summary>
    public TimeSpan EvaluationTime => _earlierEvaluationTime + _evaluationClock.Elapsed;

    /// <summary>Takes one training step: batch, loss, backward, the method's hook, clipping, AdamW, zero grad, the method's hook.</summary>
    /// <returns>The step's training loss.</returns>
    public double TrainStep()
    {
        _trainingClock.Start();
        try
        {
            using var scope = NewDisposeScope();
            using var batch = _sampler.Draw(Generator);
            var loss = _objective.Loss(batch, Method.TrainsTextConditioning);
            loss.backward();
            Method.OnGradientsComputed();
            if (Options.EffectiveMaxGradientNorm is { } norm)
            {
                nn.utils.clip_grad_norm_(Parameters, norm);
            }

            Optimizer.step();
            Optimizer.zero_grad();
            Method.OnOptimizerStepped();
            Step++;
            LastTrainingLoss = loss.item<float>();
            return LastTrainingLoss.Value;
        }
        finally
        {
            _trainingClock.Stop();
        }
    }

    /// <summary>Evaluates the current parameters (on <see cref="PersonalizationTrainerOptions.EvaluationMethod"/> after copying
    /// them there, when set) and feeds L_det to the monitor as <see cref="Step"/>.</summary>
    /// <returns>The criterion's decision.</returns>
    public StopDecision Observe()
    {
        _evaluationClock.Start();
        try
        {
            if (Options.EvaluationMethod is { } evaluated)
            {
                TrainedParameterCopy.Copy(Method, evaluated);
            }

            // Not cancellable: a step and its evaluation complete together, so a checkpoint never splits them.
            return Monitor.Observe(Step, LastTrainingLoss, Evaluator!, CancellationToken.None);
        }
        finally
        {
            _evaluationClock.Stop();
        }
    }

    /// <summary>Sets the counters restored from a checkpoint.</summary>
    /// <param name="step">The steps taken.</param>
    /// <param name="lastTrainingLoss">The last step's training loss.</param>
    /// <param name="trainingTime">The training time so far.</param>
    /// <param name="evaluationTime">The evaluation time so far.</param>
    public void RestoreCounters(long step, double? lastTrainingLoss, TimeSpan trainingTime, TimeSpan evaluationTime)
    {
        Step = step;
        LastTrainingLoss = lastTrainingLoss;
        _earlierTrainingTime = trainingTime;
        _earlierEvaluationTime = evaluationTime;
        _trainingClock.Reset();
        _evaluationClock.Reset();
    }

    /// <summary>Disposes the evaluator, optimizer, generator and caches (not the method or its pipeline).</summary>
    public void Dispose()
    {
        Evaluator?.Dispose();
        Scoring?.Dispose();
        Optimizer.Dispose();
        Generator.Dispose();
        _instances.Dispose();
        _classes?.Dispose();
    }
}
