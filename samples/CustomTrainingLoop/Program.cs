using System.Globalization;
using CustomTrainingLoop;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.Training;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

// A plain TorchSharp training loop (an MLP regression, nothing to do with diffusion) that lets DVAR decide when to stop:
// the README's quick start, runnable. Usage: CustomTrainingLoop [OUT_DIR]
string output = args.Length > 0 ? args[0] : "custom-training-loop-output";
const int MaxSteps = 20_000;
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var logger = loggerFactory.CreateLogger("CustomTrainingLoop");

// The task, the model and the training stream: every random draw comes from an explicit generator.
using var task = new SyntheticTask(seed: 7);
using var training = new Generator(0, CPU);
var model = nn.Sequential(("hidden", nn.Linear(SyntheticTask.Inputs, 64)), ("act", nn.Tanh()), ("out", nn.Linear(64, 1)));
using (no_grad())
{
    foreach (var (name, parameter) in model.named_parameters())
    {
        // U(-1/√fan_in, 1/√fan_in), as nn.Linear does, but drawn from our generator.
        double bound = 1.0 / Math.Sqrt(parameter.shape[^1]);
        using var drawn = rand(parameter.shape, generator: training);
        parameter.copy_(drawn.mul_(2 * bound).sub_(bound));
    }
}

using var optimizer = optim.Adam(model.parameters(), lr: 3e-3);

// The deterministic evaluator: MSE on a held-out batch of 256 fixed once from its own generator (seed 1).
using var evaluator = new HeldOutLossEvaluator(model, task, batchSize: 256, seed: 1);

// DVAR: stop when the variance of the last N losses falls below α times the variance of all of them.
var monitor = new StoppingMonitor(new DvarCriterion(new DvarOptions { Window = 200, Threshold = 0.15 }), logger: logger);

monitor.Observe(step: 0, trainingLoss: null, evaluator);               // L_det at the initial parameters
for (long step = 1; step <= MaxSteps; step++)
{
    double trainLoss = TrainOneStep();                                 // forward, backward and optimizer step
    var decision = monitor.Observe(step, trainLoss, evaluator);        // L_det on the fixed batch, fed to DVAR
    if (decision.ShouldStop)
    {
        break;                                                         // decision.Statistic is the variance ratio
    }
}

Directory.CreateDirectory(output);
string history = Path.Combine(output, "history.csv");
monitor.SaveHistoryCsv(history);                                       // step,train_loss,det_loss,statistic,stop
var last = monitor.LastDecision!.Value;
Console.WriteLine(monitor.ShouldStop
    ? string.Create(CultureInfo.InvariantCulture, $"stopped at step {monitor.StopStep} of at most {MaxSteps}: {last.FiredBy} said stop ({last.Reason}; variance ratio {last.Statistic:G4} < α = {last.Threshold}).")
    : string.Create(CultureInfo.InvariantCulture, $"no stop in {MaxSteps} steps (last variance ratio {last.Statistic:G4}, α = {last.Threshold})."));
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"held-out MSE: {monitor.History[0].DeterministicLoss:G4} at step 0, {monitor.History[^1].DeterministicLoss:G4} at the stop (best {monitor.BestDeterministicLoss:G4} at step {monitor.BestStep})."));
Console.WriteLine($"history: {Path.GetFullPath(history)}");
return 0;

double TrainOneStep()
{
    using var scope = NewDisposeScope();
    var (x, y) = task.Draw(32, training);
    var loss = nn.functional.mse_loss(model.call(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    return loss.item<float>();
}
