namespace Dvar.Cli.Plotting;

/// <summary>One row of a training run's <c>scores.csv</c> (<c>step,train_img,val_img,val_txt</c>): the periodic sample
/// scores (CLIP image and text similarities) at one step.</summary>
/// <param name="Step">The training step the samples were generated at.</param>
/// <param name="TrainImage">Similarity of the samples to the training images; null where the cell is empty.</param>
/// <param name="ValidationImage">Similarity to held-out images of the concept; null where the cell is empty or the column absent.</param>
/// <param name="ValidationText">Similarity of the samples to their prompts; null where the cell is empty or the column absent.</param>
internal sealed record ScoreRow(long Step, double? TrainImage, double? ValidationImage, double? ValidationText);
