
namespace Dvar.Cli.Tests.Support;

/// <summary>A temporary file holding a trace, deleted on dispose.</summary>
internal sealed class TraceFile : IDisposable
{
    public TraceFile(string content, string extension = ".csv")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dvar-cli-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
