namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>Progress of <see cref="ConceptImages.Load"/>, reported after each image.</summary>
/// <param name="Loaded">The number of images loaded so far, 1 to <paramref name="Total"/>.</param>
/// <param name="Total">The number of image files in the folder.</param>
/// <param name="File">The full path of the image just loaded.</param>
public readonly record struct ConceptImageLoadProgress(int Loaded, int Total, string File);
