
namespace Dvar.Cli.Tests.Support;

/// <summary>A <see cref="StringWriter"/> that also hands each <see cref="WriteLine(string)"/> to a callback.</summary>
internal sealed class LineHookWriter(Action<string>? onLine) : StringWriter
{
    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        onLine?.Invoke(value ?? string.Empty);
    }
}
