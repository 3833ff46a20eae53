namespace Dvar.Stopping.Evaluation;

/// <summary>The five sources of randomness of the latent-diffusion loss (paper §3.2) that a deterministic evaluator can freeze.</summary>
/// <remarks>A frozen source is drawn once, when the evaluation batch is built; an unfrozen one is redrawn at every
/// evaluation (the paper's semi-deterministic study). DVAR needs <see cref="All"/>.</remarks>
[Flags]
public enum FrozenSources
{
    /// <summary>Nothing is frozen: every evaluation draws a fresh batch.</summary>
    None = 0,

    /// <summary>The input images x (and their flips).</summary>
    Images = 1,

    /// <summary>The captions y (prompt templates).</summary>
    Captions = 2,

    /// <summary>The VAE latent samples E(x). Redrawn whenever the images are.</summary>
    Latents = 4,

    /// <summary>The diffusion timesteps t.</summary>
    Timesteps = 8,

    /// <summary>The Gaussian diffusion noise ε.</summary>
    Noise = 16,

    /// <summary>Everything fixed: the paper's deterministic loss L_det.</summary>
    All = Images | Captions | Latents | Timesteps | Noise,
}
