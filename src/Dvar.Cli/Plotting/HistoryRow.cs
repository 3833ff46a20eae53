namespace Dvar.Cli.Plotting;

/// <summary>One row of a training run's <c>history.csv</c> (<c>step,train_loss,det_loss,statistic,stop</c>), as written by
/// <c>StoppingMonitor.SaveHistoryCsv</c>.</summary>
/// <param name="Step">The training step the row belongs to.</param>
/// <param name="TrainLoss">The step's training loss; null where the cell is empty (e.g. step 0, before any training).</param>
/// <param name="DeterministicLoss">L_det, the loss on the batch fixed before training; null where the cell is empty.</param>
/// <param name="Statistic">The stopping criterion's statistic (for DVAR the ratio Var(last N) / Var(all)); null while
/// undefined or where the column is absent.</param>
/// <param name="Stop">Whether the criterion said stop at this row; false where the column is absent.</param>
internal sealed record HistoryRow(long Step, double? TrainLoss, double? DeterministicLoss, double? Statistic, bool Stop);
