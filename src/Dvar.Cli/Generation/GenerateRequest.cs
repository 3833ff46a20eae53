using Dvar.Cli.Models;
using Dvar.Cli.Output;

namespace Dvar.Cli.Generation;

/// <summary>Everything <c>dvar generate</c> was asked to do, as parsed (torch-free). Null means "the library's default".</summary>
internal sealed record GenerateRequest
{
    /// <summary>The pipeline.</summary>
    public required ModelRequest Model { get; init; }

    /// <summary><c>--prompt</c>.</summary>
    public required string Prompt { get; init; }

    /// <summary><c>--out</c>: the PNG file (numbered <c>-1</c>, <c>-2</c>, ... with <c>--count</c> above 1).</summary>
    public required string Output { get; init; }

    /// <summary><c>--embeddings</c>: a learned token embedding (Textual Inversion, or DreamBooth-LoRA's token).</summary>
    public string? Embeddings { get; init; }

    /// <summary><c>--lora</c>: a UNet LoRA file.</summary>
    public string? Lora { get; init; }

    /// <summary><c>--lora-scale</c>.</summary>
    public double? LoraScale { get; init; }

    /// <summary><c>--custom-diffusion</c>: a Custom Diffusion output folder.</summary>
    public string? CustomDiffusion { get; init; }

    /// <summary><c>--scheduler</c>: the sampler.</summary>
    public SchedulerChoice Scheduler { get; init; }

    /// <summary><c>--steps</c>: denoising steps.</summary>
    public int? Steps { get; init; }

    /// <summary><c>--guidance</c>: classifier-free guidance scale.</summary>
    public double? Guidance { get; init; }

    /// <summary><c>--seed</c>.</summary>
    public long? Seed { get; init; }

    /// <summary><c>--negative-prompt</c>.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary><c>--width</c>.</summary>
    public int? Width { get; init; }

    /// <summary><c>--height</c>.</summary>
    public int? Height { get; init; }

    /// <summary><c>--count</c>.</summary>
    public int? Count { get; init; }

    /// <summary><c>--overwrite</c>: replace existing images (each when it is written).</summary>
    public bool Overwrite { get; init; }

    /// <summary><c>--format</c>.</summary>
    public OutputFormat Format { get; init; }
}

/// <summary>The values of <c>dvar generate --scheduler</c> (torch-free; the runner maps them to the library's sampler kinds).</summary>
internal enum SchedulerChoice
{
    /// <summary><c>folder</c> (default): the scheduler the model folder's <c>scheduler/scheduler_config.json</c> names.</summary>
    Folder = 0,

    /// <summary><c>ddim</c>: DDIM, η = 0.</summary>
    Ddim = 1,

    /// <summary><c>pndm</c>: PNDM's PLMS sampler, SD v1.5's own.</summary>
    Pndm = 2,
}
