using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Serialization;

/// <summary>Component folders that ship only a PyTorch zip checkpoint (<c>*.bin</c>) load through the same strict loader.</summary>
public class TorchCheckpointLoadingTests
{
    [Fact]
    public void FromPretrained_VaeFolderWithOnlyABinFile_EqualsTheSafetensorsFolder()
    {
        string binFolder = FixturePaths.Get("torch-pickle", "vae-bin");
        Assert.False(File.Exists(Path.Combine(binFolder, "diffusion_pytorch_model.safetensors")));

        using var fromBin = AutoencoderKL.FromPretrained(binFolder);
        using var fromSafetensors = AutoencoderKL.FromPretrained(Path.Combine(FixturePaths.SdTiny, "vae"));

        var expected = fromSafetensors.state_dict();
        var actual = fromBin.state_dict();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, tensor) in expected)
        {
            Assert.True(actual[key].Equals(tensor), $"{key} differs between the .bin and the safetensors folder");
        }
    }

    [Fact]
    public void FromPretrained_HostileBinFile_IsRefusedNamingTheGlobal()
    {
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("torch-pickle", "vae-bin", "config.json"), Path.Combine(dir.Path, "config.json"));
        string weights = Path.Combine(dir.Path, "diffusion_pytorch_model.bin");
        File.Copy(FixturePaths.Get("torch-pickle", "hostile", "global_os_system.bin"), weights);

        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.FromPretrained(dir.Path).Dispose());

        Assert.Contains(weights, e.Message);
        Assert.Contains("'os.system'", e.Message);
        Assert.False(File.Exists("/tmp/dvar-pwned-global_os_system"));
    }

    [Theory]
    [InlineData("model", null, "pytorch_model.bin")]
    [InlineData("model", "fp16", "pytorch_model.fp16.bin")]
    [InlineData("diffusion_pytorch_model", null, "diffusion_pytorch_model.bin")]
    public void ResolveFiles_OnlyABinFile_FallsBackToIt(string baseName, string? variant, string file)
    {
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("torch-pickle", "pytorch_model.bin"), Path.Combine(dir.Path, file));

        var files = ModuleWeights.ResolveFiles(dir.Path, baseName, variant);

        Assert.Equal([Path.Combine(dir.Path, file)], files);
    }

    [Fact]
    public void ResolveFiles_OnlyABinIndex_ReturnsItsShards()
    {
        using var dir = new TemporaryFolder();
        const string Shard = "pytorch_model-00001-of-00001.bin";
        File.Copy(FixturePaths.Get("torch-pickle", "pytorch_model.bin"), Path.Combine(dir.Path, Shard));
        File.WriteAllText(Path.Combine(dir.Path, "pytorch_model.bin.index.json"), $$$"""{"weight_map": {"linear.weight": "{{{Shard}}}", "half": "{{{Shard}}}"}}""");

        var files = ModuleWeights.ResolveFiles(dir.Path, "model", null);

        Assert.Equal([Path.Combine(dir.Path, Shard)], files);
    }

    [Fact]
    public void ResolveFiles_BothFormats_PrefersSafetensors()
    {
        using var dir = new TemporaryFolder();
        File.Copy(FixturePaths.Get("torch-pickle", "pytorch_model.bin"), Path.Combine(dir.Path, "pytorch_model.bin"));
        File.Copy(FixturePaths.Get("torch-pickle", "pytorch_model.safetensors"), Path.Combine(dir.Path, "model.safetensors"));

        var files = ModuleWeights.ResolveFiles(dir.Path, "model", null);

        Assert.Equal([Path.Combine(dir.Path, "model.safetensors")], files);
    }

    [Fact]
    public void ResolveFiles_NoWeights_NamesTheBinFileItLookedFor()
    {
        using var dir = new TemporaryFolder();

        var e = Assert.Throws<FileNotFoundException>(() => ModuleWeights.ResolveFiles(dir.Path, "model", null));

        Assert.Contains("'pytorch_model.bin'", e.Message);
    }
}
