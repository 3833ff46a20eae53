
namespace Dvar.Cli.Tests.Support;

/// <summary>Standard input that fails as a broken pipe or a device error does: every read throws an <see cref="IOException"/>.</summary>
internal sealed class ThrowingReader : TextReader
{
    public override int Peek() => throw new IOException("Input/output error");

    public override int Read() => throw new IOException("Input/output error");

    public override string? ReadLine() => throw new IOException("Input/output error");
}
