namespace Dvar.Cli.Training;

/// <summary>The values of <c>dvar train --recipe</c>; torch-free, so that parsing and help never load TorchSharp.
/// <see cref="MethodBuilder"/> maps them to the library's <c>TrainingRecipe</c>.</summary>
internal enum TrainRecipe
{
    /// <summary><c>authors</c>: the paper authors' code, on which DVAR's presets were tuned (the default).</summary>
    Authors,

    /// <summary><c>diffusers</c>: diffusers v0.26.3's example scripts.</summary>
    Diffusers,
}
