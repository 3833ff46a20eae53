namespace Dvar.Cli.Demo;

/// <summary>The quality of learned parameters, read by the stand-in metric from samples (the columns of the paper's Table 1
/// plus the toy world's concept accuracy).</summary>
/// <param name="TrainImage">Train img: feature similarity of training-prompt samples with the concept photos.</param>
/// <param name="ValidationImage">Val img: the same for validation-prompt samples.</param>
/// <param name="ValidationText">Val txt analogue: the fraction of the validation prompts' requested attributes (white
/// background, small) that the samples show.</param>
/// <param name="ConceptAccuracy">The fraction of training-prompt samples that show the concept's colour and shape.</param>
/// <param name="ValidationConceptAccuracy">The same for the validation-prompt samples (the concept in a new context).</param>
internal sealed record DemoQuality(double TrainImage, double ValidationImage, double ValidationText, double ConceptAccuracy, double ValidationConceptAccuracy);
