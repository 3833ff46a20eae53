using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

/// <content>Loading a whole diffusers folder whose weights are stored in float16 (the published <c>fp16</c> variant).</content>
public partial class StableDiffusionPipelineTests
{
    private static readonly (string Component, string File)[] Weights =
    [
        ("unet", "diffusion_pytorch_model"),
        ("vae", "diffusion_pytorch_model"),
        ("text_encoder", "model"),
    ];

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    public void FromPretrained_Fp16VariantFolder_LoadsEveryModelFromItsHalfPrecisionFile(ScalarType dtype)
    {
        using var dir = new TemporaryFolder();
        string folder = Fp16OnlyCopyOfTinyPipeline(dir.Path);

        using var pipeline = StableDiffusionPipeline.FromPretrained(folder, dtype: dtype, variant: "fp16");

        // The reference is independent of the loader: the fixture's float32 tensors rounded to half, then to the dtype.
        var models = new Dictionary<string, nn.Module> { ["unet"] = pipeline.Unet, ["vae"] = pipeline.Vae, ["text_encoder"] = pipeline.TextEncoder };
        foreach (var (component, file) in Weights)
        {
            var full = SafetensorsFile.ReadAll(Path.Combine(FixturePaths.SdTiny, component, file + ".safetensors"));
            var loaded = models[component].state_dict();
            Assert.Equal(full.Count, loaded.Count);
            foreach (var (key, value) in full)
            {
                using var expected = value.to_type(ScalarType.Float16).to_type(dtype);
                Assert.True(loaded[key].Equals(expected), $"{component}: {key}");
                value.Dispose();
            }
        }
    }

    [Fact]
    public void FromPretrained_VariantMissingForOneModel_ThrowsNamingTheFilesItHas()
    {
        using var dir = new TemporaryFolder();
        string folder = Fp16OnlyCopyOfTinyPipeline(dir.Path);
        File.Delete(Path.Combine(folder, "vae", "diffusion_pytorch_model.fp16.safetensors"));

        var e = Assert.Throws<FileNotFoundException>(() => StableDiffusionPipeline.FromPretrained(folder, variant: "fp16"));

        Assert.Contains("diffusion_pytorch_model.fp16.safetensors", e.Message);
        Assert.Contains("found: no safetensors files", e.Message);
    }

    /// <summary>Copies the tiny pipeline's configs and tokenizer, with each model's weights only as an fp16 variant.</summary>
    private static string Fp16OnlyCopyOfTinyPipeline(string root)
    {
        string folder = Path.Combine(root, "sd-tiny-fp16");
        foreach (string source in Directory.EnumerateFiles(FixturePaths.SdTiny, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(FixturePaths.SdTiny, source);
            if (relative.EndsWith(".safetensors", StringComparison.Ordinal) || relative.StartsWith("lora", StringComparison.Ordinal)
                || relative.StartsWith("vae_legacy", StringComparison.Ordinal))
            {
                continue;
            }

            string target = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }

        foreach (var (component, file) in Weights)
        {
            var full = SafetensorsFile.ReadAll(Path.Combine(FixturePaths.SdTiny, component, file + ".safetensors"));
            var half = full.ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float16));
            SafetensorsFile.Write(Path.Combine(folder, component, file + ".fp16.safetensors"), half, new Dictionary<string, string> { ["format"] = "pt" });
            foreach (var t in full.Values.Concat(half.Values))
            {
                t.Dispose();
            }
        }

        return folder;
    }
}
