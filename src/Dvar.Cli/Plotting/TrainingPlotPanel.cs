namespace Dvar.Cli.Plotting;

/// <summary>The panels of a <see cref="TrainingPlot"/>, top to bottom. A panel without data is left out.</summary>
internal enum TrainingPlotPanel
{
    /// <summary>(a) The training loss: every value as a small light point, and its moving average as a line.</summary>
    TrainLoss,

    /// <summary>(b) The deterministic loss L_det as a line.</summary>
    DeterministicLoss,

    /// <summary>(c) The DVAR ratio Var(last N) / Var(all) on a logarithmic axis, with a dashed line at α.</summary>
    Ratio,

    /// <summary>(d) The periodic sample scores (train_img, and val_img / val_txt where present) as markers and lines.</summary>
    Scores,
}
