using Dvar.Stopping.IO;
using Dvar.Testing;

namespace Dvar.Stopping.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void WriteAllText_WriterFailsHalfway_KeepsTheOldFileAndLeavesNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "artifact.txt");
        File.WriteAllText(path, "old");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteAllText(path, writer =>
        {
            writer.Write(new string('x', 100_000));
            writer.Flush();
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["artifact.txt"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllText_TargetIsAFolder_ThrowsAndLeavesNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "taken");
        Directory.CreateDirectory(path);

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, writer => writer.Write("new")));

        Assert.Empty(Directory.GetFiles(folder.Path));
        Assert.True(Directory.Exists(path));
    }

    [Fact]
    public void WriteAllText_NewFile_WritesUtf8WithoutByteOrderMark()
    {
        using var folder = new TemporaryFolder();
        var path = Path.Combine(folder.Path, "new.txt");

        AtomicFile.WriteAllText(path, writer => writer.Write("α=0.15"));

        Assert.Equal("α=0.15"u8.ToArray(), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void WriteAllText_BlankPath_Throws(string path)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => AtomicFile.WriteAllText(path, _ => { }));
        Assert.Equal("path", e.ParamName);
    }
}
