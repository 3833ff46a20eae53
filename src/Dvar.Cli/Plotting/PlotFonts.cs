using ScottPlot;
using SkiaSharp;

namespace Dvar.Cli.Plotting;

/// <summary>The one font every dvar plot uses: DejaVu Sans, embedded in this assembly (Bitstream Vera licence,
/// <c>Plotting/Fonts/LICENSE-DejaVu.txt</c>), so that a plot draws the same text on every machine, also where no system
/// font can be found (SkiaSharp's self-contained Linux natives then find none, and text would silently not be drawn).</summary>
/// <remarks>ScottPlot keeps its font resolvers in one process-wide list. The embedded font is added to it once, under a
/// family name of its own (it never replaces a system font another caller asks for), on first use from any thread;
/// nothing else global is changed: each plot's labels are pointed at the family explicitly by <see cref="Apply(Plot)"/>.</remarks>
internal static class PlotFonts
{
    /// <summary>The family name the embedded font is registered under.</summary>
    public const string FamilyName = "Dvar DejaVu Sans";

    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the embedded font with ScottPlot if that has not happened yet (thread-safe, once per process).</summary>
    public static void EnsureRegistered() => _ = Registration.Value;

    /// <summary>The embedded typeface, as ScottPlot resolves it for labels.</summary>
    /// <param name="bold">Whether the bold face is wanted.</param>
    /// <returns>The typeface (owned by ScottPlot's cache; do not dispose).</returns>
    public static SKTypeface Typeface(bool bold = false)
    {
        EnsureRegistered();
        return ScottPlot.Fonts.GetTypeface(FamilyName, bold, italic: false);
    }

    /// <summary>Points every text of <paramref name="plot"/> at the embedded font: title, axis labels, tick labels,
    /// legend, and the labels of text plottables. Call it after the plottables are added.</summary>
    /// <param name="plot">The plot.</param>
    public static void Apply(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        EnsureRegistered();
        Apply(plot.Axes.Title.Label);
        foreach (var axis in plot.Axes.GetAxes())
        {
            Apply(axis.Label);
            Apply(axis.TickLabelStyle);
        }

        plot.Legend.FontName = FamilyName;
        foreach (var text in plot.GetPlottables<ScottPlot.Plottables.Text>())
        {
            Apply(text.LabelStyle);
        }
    }

    /// <summary>Points one label style at the embedded font (keeping its bold flag).</summary>
    /// <param name="style">The label style.</param>
    public static void Apply(LabelStyle style)
    {
        ArgumentNullException.ThrowIfNull(style);
        style.FontName = FamilyName;
        style.Font = null; // A typeface set here would win over the name (ScottPlot sets one after Plot.Font.Set).
    }

    private static bool Register()
    {
        ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        return true;
    }
}
