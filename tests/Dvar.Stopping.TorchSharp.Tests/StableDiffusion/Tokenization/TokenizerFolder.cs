using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>A temporary tokenizer folder, deleted on dispose.</summary>
internal sealed class TokenizerFolder : IDisposable
{
    private readonly TemporaryFolder _directory = new();

    private TokenizerFolder()
    {
    }

    public string Path => _directory.Path;

    /// <summary>A folder with a copy of the fixture's vocab.json, merges.txt and tokenizer_config.json.</summary>
    public static TokenizerFolder CopyOfFixture()
    {
        var folder = new TokenizerFolder();
        foreach (var name in new[] { "vocab.json", "merges.txt", "tokenizer_config.json" })
        {
            File.Copy(System.IO.Path.Combine(TokenizerFixture.Folder, name), System.IO.Path.Combine(folder.Path, name));
        }

        return folder;
    }

    /// <summary>A folder with a five-token vocabulary (a, b, ab and the two specials) and the one merge "a b".</summary>
    public static TokenizerFolder Tiny()
    {
        var folder = new TokenizerFolder();
        folder.Write("vocab.json", """{"a": 0, "b": 1, "ab": 2, "<|startoftext|>": 3, "<|endoftext|>": 4}""");
        folder.Write("merges.txt", "#version: 0.2\na b\n");
        return folder;
    }

    public void Write(string name, string content) => File.WriteAllText(System.IO.Path.Combine(Path, name), content);

    public void Delete(string name) => File.Delete(System.IO.Path.Combine(Path, name));

    public void Dispose() => _directory.Dispose();
}
