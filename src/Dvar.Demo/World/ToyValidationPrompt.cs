namespace Dvar.Demo.World;

/// <summary>A prompt that puts a learned concept into a context its photos never show, and what that context requires of an image.</summary>
/// <param name="Template">The prompt with <c>{}</c> where the concept's token goes, e.g. <c>"a photo of a {} on a white background"</c>.</param>
/// <param name="Background">The background the prompt asks for, or null when it asks for none.</param>
/// <param name="Size">The size the prompt asks for, or null when it asks for none.</param>
public sealed record ToyValidationPrompt(string Template, ToyBackground? Background, ToySize? Size)
{
    /// <summary>The prompt for a token.</summary>
    /// <param name="token">The concept's token.</param>
    /// <returns>The prompt.</returns>
    public string Format(string token) => Template.Replace("{}", token, StringComparison.Ordinal);

    /// <summary>The prompt with the token removed, as the paper's text score reads it (e.g. "a photo of a on a white background").</summary>
    /// <returns>The prompt without its placeholder, white space collapsed.</returns>
    public string WithoutToken() => string.Join(' ', Template.Replace("{}", string.Empty, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
