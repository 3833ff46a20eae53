namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>Whose training dynamics a personalization method reproduces: the data pipeline, regularisation and defaults.</summary>
/// <remarks>
/// DVAR's presets (N, α) were tuned on the training dynamics of the paper authors' code, so a preset only means what the paper
/// says under <see cref="Authors"/>. docs/personalization.md lists, per method, every setting of both recipes with the file and
/// line it comes from.
/// </remarks>
public enum TrainingRecipe
{
    /// <summary>
    /// The paper authors' code (github yandex-research/DVAR: <c>textual_inversion.py</c>, <c>data.py</c>, <c>templates.py</c>,
    /// <c>utils.py</c>) and their README commands: their 57 object templates, centre crop for Textual Inversion and DreamBooth,
    /// the initializer looked up as a raw vocabulary entry (<c>ktn</c>), no gradient clipping except for Custom Diffusion,
    /// horizontal flips for every method, Custom Diffusion's rescale augmentation with a loss mask and its prior preservation
    /// (class images required), an evaluation batch of 4, and one more optimizer step after the evaluation that stops the run.
    /// </summary>
    Authors,

    /// <summary>
    /// diffusers v0.26.3's example scripts (<c>examples/textual_inversion/textual_inversion.py</c>,
    /// <c>examples/dreambooth/train_dreambooth_lora.py</c>, <c>examples/custom_diffusion/train_custom_diffusion.py</c>) for the
    /// data pipeline and regularisation: their 27 object templates, no centre crop, the initializer encoded as a word (Textual
    /// Inversion, DreamBooth), clipping at 1.0 for DreamBooth and Custom Diffusion, flips for Textual Inversion only, optional
    /// prior preservation, an evaluation batch of 8 (the paper's text) and the evaluated weights saved at the stop. The learning
    /// rate, batch size and step cap stay the paper's, so that the two recipes differ only in the training dynamics.
    /// </summary>
    Diffusers,
}
