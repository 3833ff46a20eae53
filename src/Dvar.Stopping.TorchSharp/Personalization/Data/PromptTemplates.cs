using Dvar.Stopping.TorchSharp.Personalization.Methods;
namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The caption templates of diffusers' Textual Inversion example and of the DVAR authors, and the substitution of the placeholder.</summary>
/// <remarks>
/// A template holds exactly one <c>{}</c>, which <see cref="Format"/> replaces with the placeholder (the learned token, e.g.
/// <c>&lt;cat-toy&gt;</c> or <c>sks</c>), and no other brace. <see cref="Object"/> and <see cref="Style"/> are diffusers'
/// <c>imagenet_templates_small</c> and <c>imagenet_style_templates_small</c> (examples/textual_inversion/textual_inversion.py),
/// in their order; <see cref="AuthorsObject"/> is the DVAR authors' <c>imagenet_templates_base</c> (their <c>templates.py</c>).
/// </remarks>
public static class PromptTemplates
{
    /// <summary>The placeholder that <see cref="Format"/> replaces.</summary>
    public const string Placeholder = "{}";

    /// <summary>The 27 object templates ("a photo of a {}", ...), for learning a thing.</summary>
    public static IReadOnlyList<string> Object { get; } = Array.AsReadOnly(
    [
        "a photo of a {}",
        "a rendering of a {}",
        "a cropped photo of the {}",
        "the photo of a {}",
        "a photo of a clean {}",
        "a photo of a dirty {}",
        "a dark photo of the {}",
        "a photo of my {}",
        "a photo of the cool {}",
        "a close-up photo of a {}",
        "a bright photo of the {}",
        "a cropped photo of a {}",
        "a photo of the {}",
        "a good photo of the {}",
        "a photo of one {}",
        "a close-up photo of the {}",
        "a rendition of the {}",
        "a photo of the clean {}",
        "a rendition of a {}",
        "a photo of a nice {}",
        "a good photo of a {}",
        "a photo of the nice {}",
        "a photo of the small {}",
        "a photo of the weird {}",
        "a photo of the large {}",
        "a photo of a cool {}",
        "a photo of a small {}",
    ]);

    /// <summary>The DVAR authors' 57 object templates, for learning a thing under <see cref="TrainingRecipe.Authors"/>.</summary>
    /// <remarks>
    /// Their <c>templates.py</c> lists 81 templates and removes repeats keeping the first occurrence
    /// (<c>list(OrderedDict.fromkeys(...))</c>); this is the result, in order: <see cref="Object"/>'s 27, then 30 that replace
    /// "a photo of" by "an illustration of" and "a depiction of".
    /// </remarks>
    public static IReadOnlyList<string> AuthorsObject { get; } = Array.AsReadOnly(
    [
        .. Object,
        "an illustration of a {}",
        "an illustration of a clean {}",
        "an illustration of a dirty {}",
        "an illustration of my {}",
        "an illustration of the cool {}",
        "an illustration of the {}",
        "an illustration of one {}",
        "an illustration of the clean {}",
        "an illustration of a nice {}",
        "an illustration of the nice {}",
        "an illustration of the small {}",
        "an illustration of the weird {}",
        "an illustration of the large {}",
        "an illustration of a cool {}",
        "an illustration of a small {}",
        "a depiction of a {}",
        "a depiction of a clean {}",
        "a depiction of a dirty {}",
        "a depiction of my {}",
        "a depiction of the cool {}",
        "a depiction of the {}",
        "a depiction of one {}",
        "a depiction of the clean {}",
        "a depiction of a nice {}",
        "a depiction of the nice {}",
        "a depiction of the small {}",
        "a depiction of the weird {}",
        "a depiction of the large {}",
        "a depiction of a cool {}",
        "a depiction of a small {}",
    ]);

    /// <summary>The 19 style templates ("a painting in the style of {}", ...), for learning a style.</summary>
    /// <remarks>Two entries occur twice, as in diffusers, so they are drawn twice as often.</remarks>
    public static IReadOnlyList<string> Style { get; } = Array.AsReadOnly(
    [
        "a painting in the style of {}",
        "a rendering in the style of {}",
        "a cropped painting in the style of {}",
        "the painting in the style of {}",
        "a clean painting in the style of {}",
        "a dirty painting in the style of {}",
        "a dark painting in the style of {}",
        "a picture in the style of {}",
        "a cool painting in the style of {}",
        "a close-up painting in the style of {}",
        "a bright painting in the style of {}",
        "a cropped painting in the style of {}",
        "a good painting in the style of {}",
        "a close-up painting in the style of {}",
        "a rendition in the style of {}",
        "a nice painting in the style of {}",
        "a small painting in the style of {}",
        "a weird painting in the style of {}",
        "a large painting in the style of {}",
    ]);

    /// <summary>Replaces the <c>{}</c> of a template with the placeholder token.</summary>
    /// <param name="template">A template with exactly one <c>{}</c> and no other brace.</param>
    /// <param name="placeholder">The token, e.g. <c>&lt;cat-toy&gt;</c>; not empty or white space, without braces.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The template or the placeholder is invalid; the message quotes it.</exception>
    public static string Format(string template, string placeholder)
    {
        ValidateTemplate(template);
        ValidatePlaceholder(placeholder);
        int at = template.IndexOf(Placeholder, StringComparison.Ordinal);
        return string.Concat(template.AsSpan(0, at), placeholder, template.AsSpan(at + Placeholder.Length));
    }

    /// <summary>Rejects a template without exactly one <c>{}</c> or with any other brace.</summary>
    internal static void ValidateTemplate(string template, string parameterName = "template")
    {
        ArgumentNullException.ThrowIfNull(template, parameterName);
        int at = template.IndexOf(Placeholder, StringComparison.Ordinal);
        bool valid = at >= 0 && template.Count(c => c is '{' or '}') == 2;
        if (!valid)
        {
            throw new ArgumentException($"A prompt template must contain exactly one \"{{}}\" and no other brace; got \"{template}\".", parameterName);
        }
    }

    /// <summary>Rejects an empty or white-space placeholder, or one with a brace.</summary>
    internal static void ValidatePlaceholder(string placeholder, string parameterName = "placeholder")
    {
        ArgumentNullException.ThrowIfNull(placeholder, parameterName);
        if (string.IsNullOrWhiteSpace(placeholder) || placeholder.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException($"The placeholder token must be non-empty, not white space, and without braces; got \"{placeholder}\".", parameterName);
        }
    }
}
