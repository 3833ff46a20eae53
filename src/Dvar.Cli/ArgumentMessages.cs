namespace Dvar.Cli;

/// <summary>Turns the library's <see cref="ArgumentException"/>s, which name an option property (<c>MaxSteps</c>), into
/// <c>dvar</c> usage errors that name the command-line option (<c>--max-steps</c>).</summary>
internal static class ArgumentMessages
{
    /// <summary>The first line of the exception's message without the "(Parameter 'X')" suffix the runtime appends.</summary>
    /// <param name="e">The exception.</param>
    /// <returns>The message.</returns>
    public static string Describe(ArgumentException e)
    {
        var message = e.Message.Split('\n')[0].TrimEnd();
        var suffix = $" (Parameter '{e.ParamName}')";
        return message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }

    /// <summary>A usage error for a library argument error: a leading property name becomes the option's name, and an
    /// option is prefixed where the message names none.</summary>
    /// <param name="e">The library's exception.</param>
    /// <param name="optionOfParameter">The command-line option of each parameter or property name.</param>
    /// <returns>The usage error.</returns>
    public static UsageException ToUsage(ArgumentException e, IReadOnlyDictionary<string, string> optionOfParameter)
    {
        string message = Describe(e);
        if (e.ParamName is not { } parameter || !optionOfParameter.TryGetValue(parameter, out var option))
        {
            return new UsageException(message);
        }

        return new UsageException(message.StartsWith(parameter + " ", StringComparison.Ordinal)
            ? option + message[parameter.Length..]
            : $"{option}: {message}");
    }

    /// <summary>Runs library code whose argument errors are the user's options, and names the option in the message.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="action">The library call.</param>
    /// <param name="optionOfParameter">The command-line option of each parameter or property name.</param>
    /// <returns>What <paramref name="action"/> returns.</returns>
    /// <exception cref="UsageException">The call threw an <see cref="ArgumentException"/>.</exception>
    public static T Guard<T>(Func<T> action, IReadOnlyDictionary<string, string> optionOfParameter)
    {
        try
        {
            return action();
        }
        catch (ArgumentException e)
        {
            throw ToUsage(e, optionOfParameter);
        }
    }
}
