using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

public class ImageFolderTests
{
    [Fact]
    public void List_MixedFolder_ReturnsImageFilesInOrdinalOrder()
    {
        using var folder = new TemporaryFolder();
        string[] names = ["b.png", "B.JPG", "a.jpeg", "c.WebP", "notes.txt", "d.gif", ".hidden.png", "._a.jpg", "e.png.bak"];
        foreach (string name in names)
        {
            File.WriteAllBytes(Path.Combine(folder.Path, name), [0]);
        }

        Directory.CreateDirectory(Path.Combine(folder.Path, "sub.png"));
        File.WriteAllBytes(Path.Combine(folder.Path, "sub.png", "inner.png"), [0]);

        var listed = ImageFolder.List(folder.Path);

        string[] expected = ["B.JPG", "a.jpeg", "b.png", "c.WebP"]; // ordinal: upper case before lower case
        Assert.Equal(expected.Select(n => Path.Combine(folder.Path, n)), listed);
    }

    [Fact]
    public void List_MissingFolder_ThrowsDirectoryNotFoundNamingIt()
    {
        using var folder = new TemporaryFolder();
        string missing = Path.Combine(folder.Path, "nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.List(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_EmptyFolder_ThrowsNamingFolderAndAcceptedExtensions()
    {
        using var folder = new TemporaryFolder();

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.List(folder.Path));

        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
        Assert.All(ConceptImageOptions.FileExtensions, e => Assert.Contains(e, error.Message, StringComparison.Ordinal));
        Assert.Contains("no files", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_FolderWithOnlyOtherFiles_ThrowsListingThem()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(Path.Combine(folder.Path, "readme.txt"), [0]);
        File.WriteAllBytes(Path.Combine(folder.Path, "cat.gif"), [0]);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.List(folder.Path));

        Assert.Contains("2 other file(s): cat.gif, readme.txt", error.Message, StringComparison.Ordinal);
    }
}
