using ScottPlot;
using SkiaSharp;

namespace Dvar.Cli.Plotting;

/// <summary>A ScottPlot font resolver that serves the DejaVu Sans files embedded in this assembly under one family name
/// (<see cref="PlotFonts.FamilyName"/>): bold requests get DejaVu Sans Bold, every other style DejaVu Sans.</summary>
/// <remarks>Immutable after construction, so ScottPlot may call it from any thread. The font bytes are read once and
/// each request gets its own <see cref="SKTypeface"/> over them, as ScottPlot caches and owns what a resolver returns.</remarks>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    private readonly SKData _regular;
    private readonly SKData _bold;

    /// <summary>Initializes a new instance of the <see cref="EmbeddedFontResolver"/> class from the embedded font files.</summary>
    /// <exception cref="InvalidOperationException">A font resource is missing from the assembly (a build error).</exception>
    public EmbeddedFontResolver()
    {
        _regular = Load("DejaVuSans.ttf");
        _bold = Load("DejaVuSans-Bold.ttf");
    }

    /// <summary>Creates the typeface for <paramref name="fontName"/> in the given style.</summary>
    /// <param name="fontName">The requested family; only <see cref="PlotFonts.FamilyName"/> is served.</param>
    /// <param name="weight">Bold (or heavier) gets the bold face; anything else the regular one.</param>
    /// <param name="slant">Ignored: there is no oblique face; text is drawn upright.</param>
    /// <param name="spacing">Ignored.</param>
    /// <returns>The typeface, or null for any other family (ScottPlot then asks its next resolver).</returns>
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        string.Equals(fontName, PlotFonts.FamilyName, StringComparison.Ordinal)
            ? SKTypeface.FromData(weight >= FontWeight.Bold ? _bold : _regular)
            : null;

    /// <summary>Creates the typeface for <paramref name="fontName"/>, bold or not.</summary>
    /// <param name="fontName">The requested family; only <see cref="PlotFonts.FamilyName"/> is served.</param>
    /// <param name="bold">Whether the bold face is wanted.</param>
    /// <param name="italic">Ignored: there is no oblique face.</param>
    /// <returns>The typeface, or null for any other family.</returns>
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);

    private static SKData Load(string fileName)
    {
        string name = $"Dvar.Cli.Plotting.Fonts.{fileName}";
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded font '{name}' is missing from {typeof(EmbeddedFontResolver).Assembly.GetName().Name}.");
        return SKData.Create(stream);
    }
}
