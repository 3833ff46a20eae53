namespace Dvar.Cli.Evaluation;

/// <summary>How the paper's authors sample for their scores, per method (their README's Table 1 commands, whose lists follow
/// <c>--method [inversion/custom/dreambooth]</c>: <c>--guidance [7.5/6/6]</c>, <c>--sample_steps [50/50/200]</c>).</summary>
internal static class AuthorsSampling
{
    /// <summary>The classifier-free guidance scale: 7.5 for Textual Inversion, 6 for DreamBooth-LoRA and Custom Diffusion.</summary>
    /// <param name="method">The method's name (<c>textual-inversion</c>, <c>dreambooth-lora</c>, <c>custom-diffusion</c>).</param>
    /// <returns>The scale.</returns>
    public static double Guidance(string method) => method == "textual-inversion" ? 7.5 : 6.0;

    /// <summary>The denoising steps: 200 for DreamBooth-LoRA, 50 otherwise.</summary>
    /// <param name="method">The method's name.</param>
    /// <returns>The steps.</returns>
    public static int Steps(string method) => method == "dreambooth-lora" ? 200 : 50;
}
