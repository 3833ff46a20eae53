using System.CommandLine;

namespace Dvar.Cli.Training;

/// <summary>One <c>dvar train</c> option and where its parsed value goes in the <see cref="TrainRequest"/>.</summary>
/// <param name="Option">The option (help name, description with its default, parser).</param>
/// <param name="Apply">Copies the option's value from a parse into a request.</param>
internal sealed record TrainOptionBinding(Option Option, Func<ParseResult, TrainRequest, TrainRequest> Apply)
{
    /// <summary>Binds an option to the request property that <paramref name="set"/> assigns.</summary>
    /// <typeparam name="T">The option's value type.</typeparam>
    /// <param name="option">The option.</param>
    /// <param name="set">Returns the request with the value set.</param>
    /// <returns>The binding.</returns>
    public static TrainOptionBinding Of<T>(Option<T> option, Func<TrainRequest, T, TrainRequest> set) =>
        new(option, (parse, request) => set(request, parse.GetValue(option)!));
}
