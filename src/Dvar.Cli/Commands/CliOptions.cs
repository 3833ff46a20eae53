using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;
using Dvar.Cli.Output;

namespace Dvar.Cli.Commands;

/// <summary>Builds options whose values are parsed once, in the invariant culture, with errors that name the option,
/// what it must be and what was given.</summary>
internal static class CliOptions
{
    /// <summary>An optional number (<see cref="int"/>, <see cref="long"/> or <see cref="double"/>); null when absent.</summary>
    /// <typeparam name="T">The number type.</typeparam>
    /// <param name="name">The option, e.g. <c>--window</c>.</param>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<T?> Number<T>(string name, string description)
        where T : struct, INumber<T>
    {
        var integral = typeof(T) != typeof(double);
        return new Option<T?>(name)
        {
            Description = description,
            HelpName = integral ? "integer" : "number",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                var style = integral ? NumberStyles.Integer : NumberStyles.Float;
                if (T.TryParse(text, style, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }

                result.AddError($"{name} must be {(integral ? "an integer" : "a number")}; got '{text}'.");
                return null;
            },
        };
    }

    /// <summary>An option whose value is one of a fixed set of names, parsed to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The parsed type.</typeparam>
    /// <param name="name">The option, e.g. <c>--format</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="choices">The accepted names (case-sensitive) and their values.</param>
    /// <returns>The option; its completions are the names.</returns>
    public static Option<T> Choice<T>(string name, string description, IReadOnlyDictionary<string, T> choices)
    {
        var option = new Option<T>(name)
        {
            Description = description,
            HelpName = string.Join('|', choices.Keys),
            CustomParser = result => Parse(result, name, choices),
        };
        option.CompletionSources.Add([.. choices.Keys]);
        return option;
    }

    /// <summary>The <c>--format text|json</c> option (default text).</summary>
    /// <param name="description">The help text.</param>
    /// <returns>The option.</returns>
    public static Option<OutputFormat> Format(string description)
    {
        var option = Choice(
            "--format",
            description,
            new Dictionary<string, OutputFormat> { ["text"] = OutputFormat.Text, ["json"] = OutputFormat.Json });
        return option; // Unset gives default(OutputFormat), Text.
    }

    /// <summary>A text or path option, kept as given (paths are checked by the command's action).</summary>
    /// <param name="name">The option, e.g. <c>--model</c>.</param>
    /// <param name="helpName">The placeholder in the help, e.g. <c>DIR</c>.</param>
    /// <param name="description">The help text.</param>
    /// <param name="required">Whether the option must be given.</param>
    /// <returns>The option.</returns>
    public static Option<string?> Text(string name, string helpName, string description, bool required = false) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Required = required,
    };

    private static T Parse<T>(ArgumentResult result, string name, IReadOnlyDictionary<string, T> choices)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (choices.TryGetValue(text, out var value))
        {
            return value;
        }

        result.AddError($"{name} must be one of {string.Join(", ", choices.Keys)}; got '{text}'.");
        return default!;
    }
}
