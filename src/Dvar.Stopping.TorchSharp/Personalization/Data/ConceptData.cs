namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>What a personalization trainer learns from: the concept's images, its captions, and optional class images.</summary>
/// <remarks>
/// <para>
/// An instance item is an image of <see cref="Images"/> with the caption <see cref="Prompt"/> of a template; the trainer draws
/// the indices and flips. With prior preservation (DreamBooth, Custom Diffusion) each batch also holds class images
/// (<see cref="ClassImages"/>, prepared with the same resolution), each captioned with its entry of <see cref="ClassPrompts"/>:
/// one literal prompt for all (e.g. <c>"a photo of dog"</c>) or one caption per image (the authors' retrieved class images carry
/// their own captions); the loss adds their weighted MSE.
/// </para>
/// <para>Owns both image sets: disposing this instance disposes them.</para>
/// </remarks>
public sealed class ConceptData : IDisposable
{
    /// <summary>Bundles a concept's images and captions, taking ownership of the image sets.</summary>
    /// <param name="images">The concept's images.</param>
    /// <param name="templates">The caption templates.</param>
    /// <param name="placeholder">The token that replaces <c>{}</c> in the templates, e.g. <c>&lt;cat-toy&gt;</c> or <c>sks</c>.</param>
    /// <param name="classImages">Class images for prior preservation, or null; requires <paramref name="classPrompt"/>.</param>
    /// <param name="classPrompt">The caption of every class image, or null; requires <paramref name="classImages"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="images"/>, <paramref name="templates"/> or <paramref name="placeholder"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The placeholder is empty, white space or has a brace; only one of <paramref name="classImages"/> and
    /// <paramref name="classPrompt"/> is given; the class prompt is white space; or the class images' resolution differs.
    /// </exception>
    public ConceptData(ConceptImages images, PromptTemplateSet templates, string placeholder, ConceptImages? classImages = null, string? classPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(templates);
        PromptTemplates.ValidatePlaceholder(placeholder, nameof(placeholder));
        ValidateClass(images, classImages, classPrompt);
        Images = images;
        Templates = templates;
        Placeholder = placeholder;
        ClassImages = classImages;
        ClassPrompt = classPrompt;
        ClassPrompts = classImages is null ? null : Array.AsReadOnly(Enumerable.Repeat(classPrompt!, classImages.Count).ToArray());
    }

    /// <summary>Bundles a concept's images and captions with class images that each have their own caption, taking ownership of the image sets.</summary>
    /// <param name="images">The concept's images.</param>
    /// <param name="templates">The caption templates.</param>
    /// <param name="placeholder">The token that replaces <c>{}</c> in the templates.</param>
    /// <param name="classImages">Class images for prior preservation.</param>
    /// <param name="classPrompts">One caption per class image, in the order of <see cref="ConceptImages.Files"/>; copied.</param>
    /// <returns>The concept.</returns>
    /// <exception cref="ArgumentNullException">An argument or a caption is null.</exception>
    /// <exception cref="ArgumentException">
    /// The placeholder is invalid; the number of captions differs from the number of class images; a caption is empty or white
    /// space (the message names the image); or the class images' resolution differs.
    /// </exception>
    public static ConceptData WithClassCaptions(
        ConceptImages images, PromptTemplateSet templates, string placeholder, ConceptImages classImages, IReadOnlyList<string> classPrompts)
    {
        ArgumentNullException.ThrowIfNull(classImages);
        ArgumentNullException.ThrowIfNull(classPrompts);
        if (classPrompts.Count != classImages.Count)
        {
            throw new ArgumentException(
                $"There are {classImages.Count} class images in {classImages.Folder} but {classPrompts.Count} captions; give one caption per image.", nameof(classPrompts));
        }

        for (int i = 0; i < classPrompts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(classPrompts[i]))
            {
                throw new ArgumentException($"The caption of class image {classImages.Files[i]} is empty or white space.", nameof(classPrompts));
            }
        }

        var data = new ConceptData(images, templates, placeholder, classImages, classPrompts[0]);
        data.ClassPrompts = Array.AsReadOnly(classPrompts.ToArray());
        data.ClassPrompt = data.ClassPrompts.Distinct(StringComparer.Ordinal).Count() == 1 ? classPrompts[0] : null;
        return data;
    }

    /// <summary>The concept's images.</summary>
    public ConceptImages Images { get; }

    /// <summary>The caption templates.</summary>
    public PromptTemplateSet Templates { get; }

    /// <summary>The token that replaces <c>{}</c> in the templates.</summary>
    public string Placeholder { get; }

    /// <summary>The class images for prior preservation, or null without it.</summary>
    public ConceptImages? ClassImages { get; }

    /// <summary>The caption shared by every class image, or null without prior preservation or when the captions differ.</summary>
    public string? ClassPrompt { get; private set; }

    /// <summary>The caption of each class image (index i is class image i), or null without prior preservation.</summary>
    public IReadOnlyList<string>? ClassPrompts { get; private set; }

    /// <summary>Whether class images are given (prior preservation).</summary>
    public bool HasPriorPreservation => ClassImages is not null;

    /// <summary>The caption of template <paramref name="templateIndex"/> with the placeholder substituted.</summary>
    /// <param name="templateIndex">The template, 0 to <see cref="PromptTemplateSet.Count"/> - 1.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="templateIndex"/> is out of range.</exception>
    public string Prompt(int templateIndex) => Templates.Format(templateIndex, Placeholder);

    /// <summary>
    /// Item <paramref name="position"/> of the dataset in order: image <c>position mod N</c>, template <c>position mod T</c>, as
    /// the authors' code builds the deterministic evaluation batch from the first B items.
    /// </summary>
    /// <param name="position">The position, at least 0.</param>
    /// <returns>The item.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> is negative.</exception>
    public ConceptItem ItemAt(long position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        return new ConceptItem((int)(position % Images.Count), (int)(position % Templates.Count));
    }

    /// <summary>Disposes the instance and class images.</summary>
    public void Dispose()
    {
        Images.Dispose();
        ClassImages?.Dispose();
    }

    private static void ValidateClass(ConceptImages images, ConceptImages? classImages, string? classPrompt)
    {
        if (classImages is null != classPrompt is null)
        {
            throw new ArgumentException(
                $"Prior preservation needs both class images and a class prompt; got {(classImages is null ? "no class images" : "class images")} and {(classPrompt is null ? "no class prompt" : "a class prompt")}.",
                classImages is null ? nameof(classImages) : nameof(classPrompt));
        }

        if (classPrompt is not null && string.IsNullOrWhiteSpace(classPrompt))
        {
            throw new ArgumentException("The class prompt must not be empty or white space.", nameof(classPrompt));
        }

        if (classImages is not null && classImages.Resolution != images.Resolution)
        {
            throw new ArgumentException(
                $"The class images ({classImages.Folder}) are {classImages.Resolution} px but the instance images ({images.Folder}) are {images.Resolution} px; they share a batch, so prepare both at one resolution.",
                nameof(classImages));
        }
    }
}
