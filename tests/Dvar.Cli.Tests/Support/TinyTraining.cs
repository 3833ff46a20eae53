using Dvar.Testing;

namespace Dvar.Cli.Tests.Support;

/// <summary>A <c>dvar train</c> run on the tiny fixture pipeline: a toy concept in a temporary folder, one libtorch thread,
/// an evaluation batch of 2, so that a run takes a second or two.</summary>
internal sealed class TinyTraining : IDisposable
{
    public const string Token = "<toy>";

    public TinyTraining()
    {
        Images = ConceptFolder.Write(Folder.Combine("images"));
    }

    public TemporaryFolder Folder { get; } = new();

    public string Images { get; }

    public string Output => Folder.Combine("out");

    /// <summary>The arguments of <c>dvar train METHOD</c> with the common options, then <paramref name="extra"/>. Custom
    /// Diffusion runs under <c>--recipe diffusers</c> unless <paramref name="extra"/> names a recipe: the authors' recipe needs
    /// class images.</summary>
    public string[] Args(string method, params string[] extra)
    {
        string[] initToken = method == "custom-diffusion" ? [] : ["--init-token", "toy"];
        if (method == "custom-diffusion" && !extra.Contains("--recipe"))
        {
            extra = ["--recipe", "diffusers", .. extra];
        }

        return
        [
            "train", method, "--model", FixturePaths.SdTiny, "--images", Images, "--token", Token, .. initToken,
            "--out", Output, "--threads", "1", "--eval-batch-size", "2", .. extra,
        ];
    }

    public void Dispose() => Folder.Dispose();
}
