namespace Dvar.Stopping.TorchSharp.Personalization.Data;

/// <summary>The caption templates a trainer draws from, by index; immutable.</summary>
/// <remarks>
/// Textual Inversion draws a random template per item from <see cref="Object"/> or <see cref="Style"/>; DreamBooth and Custom
/// Diffusion use one fixed instance prompt (<see cref="Single"/>, e.g. <c>"a photo of {} dog"</c> with placeholder
/// <c>sks</c>). Every template holds exactly one <c>{}</c> for the placeholder token (see <see cref="PromptTemplates"/>).
/// </remarks>
public sealed class PromptTemplateSet
{
    private PromptTemplateSet(IReadOnlyList<string> templates)
    {
        Templates = templates;
    }

    /// <summary>diffusers' 27 object templates, <see cref="PromptTemplates.Object"/>.</summary>
    public static PromptTemplateSet Object { get; } = new(PromptTemplates.Object);

    /// <summary>The DVAR authors' 57 object templates, <see cref="PromptTemplates.AuthorsObject"/>.</summary>
    public static PromptTemplateSet AuthorsObject { get; } = new(PromptTemplates.AuthorsObject);

    /// <summary>diffusers' 19 style templates, <see cref="PromptTemplates.Style"/>.</summary>
    public static PromptTemplateSet Style { get; } = new(PromptTemplates.Style);

    /// <summary>The templates, in draw order.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <summary>The number of templates T (at least 1).</summary>
    public int Count => Templates.Count;

    /// <summary>A set holding one template: every item gets the same prompt.</summary>
    /// <param name="template">The template, e.g. <c>"a photo of {} dog"</c>; exactly one <c>{}</c>, no other brace.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="template"/> is null.</exception>
    /// <exception cref="ArgumentException">The template is invalid; the message quotes it.</exception>
    public static PromptTemplateSet Single(string template) => Custom([template]);

    /// <summary>A set of one's own templates.</summary>
    /// <param name="templates">At least one template; each holds exactly one <c>{}</c> and no other brace. The list is copied.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="templates"/> or an entry is null.</exception>
    /// <exception cref="ArgumentException">The list is empty or a template is invalid; the message quotes it.</exception>
    public static PromptTemplateSet Custom(IEnumerable<string> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        string[] copy = [.. templates];
        if (copy.Length == 0)
        {
            throw new ArgumentException("A prompt template set needs at least one template.", nameof(templates));
        }

        foreach (string template in copy)
        {
            PromptTemplates.ValidateTemplate(template, nameof(templates));
        }

        return new PromptTemplateSet(Array.AsReadOnly(copy));
    }

    /// <summary>The prompt of template <paramref name="index"/> with its <c>{}</c> replaced by the placeholder token.</summary>
    /// <param name="index">The template, 0 to <see cref="Count"/> - 1.</param>
    /// <param name="placeholder">The token; not empty or white space, without braces.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="placeholder"/> is null.</exception>
    /// <exception cref="ArgumentException">The placeholder is invalid.</exception>
    public string Format(int index, string placeholder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return PromptTemplates.Format(Templates[index], placeholder);
    }
}
