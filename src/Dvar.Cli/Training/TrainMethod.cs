namespace Dvar.Cli.Training;

/// <summary>The subcommands of <c>dvar train</c>: which personalization method to run.</summary>
internal enum TrainMethod
{
    /// <summary><c>textual-inversion</c>: learns a new token's embedding.</summary>
    TextualInversion,

    /// <summary><c>dreambooth-lora</c>: LoRA on the UNet's projections, and by default a new token.</summary>
    DreamBoothLora,

    /// <summary><c>custom-diffusion</c>: the cross-attention keys and values and a modifier token.</summary>
    CustomDiffusion,
}
