using Dvar.Stopping.Diagnostics;
using Dvar.Stopping.Evaluation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dvar.Stopping.Training;

/// <summary>The one place where a training loop meets a stopping criterion: called once per evaluated step, it feeds
/// the evaluator's loss to the criterion, records both losses and the decision, logs, reports progress, tracks the best
/// deterministic loss and answers "stop now?".</summary>
/// <remarks>
/// <para>Per step: <c>if (monitor.Observe(step, trainLoss, evaluator, ct).ShouldStop) break;</c>. Only the
/// deterministic (evaluator) loss reaches the criterion, including NaN and infinities, which the criterion's
/// <see cref="NonFinitePolicy"/> handles (stop, ignore or throw). The training loss is only recorded: pass null when
/// the loop has none; NaN and infinities are recorded as they are.</para>
/// <para>Steps must increase strictly; they need not be consecutive (evaluate every F steps if you like).</para>
/// <para>Memory: the history grows by one small <see cref="MonitorRecord"/> per step (96 bytes on x64) unless
/// <see cref="StoppingMonitorOptions.HistoryCapacity"/> bounds it; a run of 100,000 steps keeps about 10 MB (the backing array grows by doubling).</para>
/// <para>Not thread-safe: call it from the training loop only. <see cref="IProgress{T}.Report"/> is called
/// synchronously after each step.</para>
/// </remarks>
public sealed partial class StoppingMonitor
{
    private readonly ILogger _logger;
    private readonly IProgress<MonitorProgress>? _progress;
    private readonly MonitorHistory _history;

    /// <summary>Creates a monitor around a criterion.</summary>
    /// <param name="criterion">The criterion fed with the deterministic loss. The monitor owns it from now on: do not
    /// feed it elsewhere.</param>
    /// <param name="options">History and logging options; null for <see cref="StoppingMonitorOptions.Default"/>.</param>
    /// <param name="logger">Where to log; null logs nowhere.</param>
    /// <param name="progress">Receives a <see cref="MonitorProgress"/> after every step; null reports nothing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="criterion"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="StoppingMonitorOptions"/>).</exception>
    public StoppingMonitor(
        IStoppingCriterion criterion,
        StoppingMonitorOptions? options = null,
        ILogger? logger = null,
        IProgress<MonitorProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(criterion);
        options ??= StoppingMonitorOptions.Default;
        options.Validate();
        Criterion = criterion;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _progress = progress;
        _history = new MonitorHistory(options.HistoryCapacity);
    }

    /// <summary>The criterion fed with the deterministic loss.</summary>
    public IStoppingCriterion Criterion { get; }

    /// <summary>The options given at construction.</summary>
    public StoppingMonitorOptions Options { get; }

    /// <summary>The recorded steps, oldest first: every step, or the most recent
    /// <see cref="StoppingMonitorOptions.HistoryCapacity"/> ones.</summary>
    public IReadOnlyList<MonitorRecord> History => _history;

    /// <summary>How many steps have been observed (not bounded by the history capacity).</summary>
    public long StepsObserved { get; private set; }

    /// <summary>The last step observed, or null before the first.</summary>
    public long? LastStep { get; private set; }

    /// <summary>The criterion's decision at the last step, or null before the first.</summary>
    public StopDecision? LastDecision { get; private set; }

    /// <summary>Whether training should stop now: the criterion has said stop at some observed step (sticky).</summary>
    public bool ShouldStop => StopStep is not null;

    /// <summary>The first step at which the criterion said stop, or null while it has not.</summary>
    public long? StopStep { get; private set; }

    /// <summary>The step with the lowest finite deterministic loss (the earliest one on ties), or null if none was finite.</summary>
    public long? BestStep { get; private set; }

    /// <summary>The lowest finite deterministic loss observed, or null if none was finite.</summary>
    public double? BestDeterministicLoss { get; private set; }

    /// <summary>Evaluates the model with <paramref name="evaluator"/> and observes the step with that loss.</summary>
    /// <param name="step">The training step; greater than the previous one and not negative.</param>
    /// <param name="trainingLoss">The step's training loss, or null if the loop has none (recorded only).</param>
    /// <param name="evaluator">Computes the deterministic loss; called once, after <paramref name="step"/> is checked.</param>
    /// <param name="cancellationToken">Passed to <see cref="IDeterministicEvaluator.Evaluate"/>.</param>
    /// <returns>The criterion's decision for this step.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="evaluator"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or not greater than the
    /// previous step (the evaluator is not called), or the loss is not finite and the criterion's policy is
    /// <see cref="NonFinitePolicy.Throw"/> (nothing is recorded).</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled during the evaluation (nothing is recorded).</exception>
    public StopDecision Observe(
        long step, double? trainingLoss, IDeterministicEvaluator evaluator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        CheckStep(step);
        return Observe(step, trainingLoss, evaluator.Evaluate(cancellationToken));
    }

    /// <summary>Observes one step: feeds <paramref name="deterministicLoss"/> to the criterion and records the step.</summary>
    /// <param name="step">The training step; greater than the previous one and not negative.</param>
    /// <param name="trainingLoss">The step's training loss, or null if the loop has none (recorded only).</param>
    /// <param name="deterministicLoss">The evaluator's loss; non-finite values go to the criterion's policy.</param>
    /// <returns>The criterion's decision for this step.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or not greater than the
    /// previous step, or the loss is not finite and the criterion's policy is <see cref="NonFinitePolicy.Throw"/>;
    /// nothing is recorded in either case.</exception>
    public StopDecision Observe(long step, double? trainingLoss, double deterministicLoss)
    {
        CheckStep(step);
        var decision = Criterion.Observe(deterministicLoss);
        var record = new MonitorRecord(step, trainingLoss, deterministicLoss, decision);
        Commit(record);
        LogStep(record);
        _progress?.Report(new MonitorProgress(record, StepsObserved, BestStep, BestDeterministicLoss));
        return decision;
    }

    /// <summary>Forgets every step and resets the criterion, as if newly constructed.</summary>
    public void Reset()
    {
        Criterion.Reset();
        _history.Clear();
        StepsObserved = 0;
        LastStep = null;
        LastDecision = null;
        StopStep = null;
        BestStep = null;
        BestDeterministicLoss = null;
    }

    private void CheckStep(long step)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"The step must not be negative; got {step}.");
        }

        if (step <= LastStep)
        {
            throw new ArgumentOutOfRangeException(
                nameof(step),
                step,
                $"Steps must increase strictly: the previous step was {LastStep}; got {step}.");
        }
    }

    private void Commit(MonitorRecord record)
    {
        _history.Add(record);
        StepsObserved++;
        LastStep = record.Step;
        LastDecision = record.Decision;
        if (double.IsFinite(record.DeterministicLoss)
            && (BestDeterministicLoss is not { } best || record.DeterministicLoss < best))
        {
            BestDeterministicLoss = record.DeterministicLoss;
            BestStep = record.Step;
        }

        if (record.ShouldStop && StopStep is null)
        {
            StopStep = record.Step;
        }
    }

    private void LogStep(MonitorRecord record)
    {
        var decision = record.Decision;
        if (StepsObserved % Options.LogEvery == 0)
        {
            Log.MonitorStep(
                _logger, record.Step, record.TrainingLoss, record.DeterministicLoss, Criterion.Name, decision.Statistic, decision.Threshold);
        }

        if (!double.IsFinite(record.DeterministicLoss))
        {
            Log.MonitorNonFiniteLoss(_logger, record.Step, record.DeterministicLoss, Criterion.Name, decision.Reason);
        }

        if (StopStep == record.Step)
        {
            Log.MonitorStop(
                _logger,
                record.Step,
                decision.FiredBy ?? Criterion.Name,
                decision.Reason,
                decision.Statistic,
                decision.Threshold,
                BestDeterministicLoss,
                BestStep);
        }
    }
}
