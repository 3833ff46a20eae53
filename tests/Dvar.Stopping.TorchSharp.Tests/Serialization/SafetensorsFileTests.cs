using System.Text.Json.Nodes;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Serialization;

public class SafetensorsFileTests
{
    public static TheoryData<string> CaseFiles => new() { "unet", "vae", "text_encoder", "scheduler", "lora" };

    [Theory]
    [MemberData(nameof(CaseFiles))]
    public void ReadAll_FixtureCases_MatchShapesAndStatisticsStatedInCasesJson(string component)
    {
        // cases.json (written by the Python generator) states shape, dtype, max |x| and std of each stored tensor.
        var expected = new Dictionary<string, JsonObject>();
        Collect(JsonNode.Parse(File.ReadAllText(FixturePaths.Get("sd-tiny", component, "cases.json")))!, expected);
        var tensors = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", component, "cases.safetensors"));
        try
        {
            int checkedCount = 0;
            foreach (var (name, stats) in expected)
            {
                if (!tensors.TryGetValue(name, out var tensor))
                {
                    continue;
                }

                Assert.Equal(stats["shape"]!.AsArray().Select(n => n!.GetValue<long>()), tensor.shape);
                Assert.Equal(stats["dtype"]!.GetValue<string>(), SafetensorsDType.NameOf(tensor.dtype));
                if (stats["max_abs"] is { } maxAbs)
                {
                    using var asDouble = tensor.to_type(ScalarType.Float64);
                    double actualMax = asDouble.abs().max().item<double>();
                    Assert.Equal(maxAbs.GetValue<double>(), actualMax, 1e-6 * Math.Max(1, actualMax));
                    double actualStd = asDouble.std().item<double>();
                    Assert.Equal(stats["std"]!.GetValue<double>(), actualStd, 1e-5 * Math.Max(1e-3, actualStd));
                }

                checkedCount++;
            }

            Assert.True(checkedCount >= 3, $"only {checkedCount} tensors of {component}/cases.safetensors were described in cases.json");
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void ReadHeader_Fp16Weights_ReportsF16EntriesAndMetadata()
    {
        var header = SafetensorsFile.ReadHeader(FixturePaths.Get("sd-tiny", "unet", "diffusion_pytorch_model.fp16.safetensors"));
        var full = SafetensorsFile.ReadHeader(FixturePaths.Get("sd-tiny", "unet", "diffusion_pytorch_model.safetensors"));

        Assert.Equal("pt", header.Metadata["format"]);
        Assert.All(header.Tensors, t => Assert.Equal(ScalarType.Float16, t.ScalarType));
        Assert.Equal(full.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal), header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(header.Tensors, t => Assert.Equal(full.ByName[t.Name].Shape, t.Shape));
    }

    [Fact]
    public void ReadAll_Fp16Weights_EqualFloat32WeightsRoundedToHalf()
    {
        var half = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", "unet", "diffusion_pytorch_model.fp16.safetensors"));
        var full = SafetensorsFile.ReadAll(FixturePaths.Get("sd-tiny", "unet", "diffusion_pytorch_model.safetensors"));
        try
        {
            foreach (var (name, h) in half)
            {
                using var rounded = full[name].to_type(ScalarType.Float16);
                Assert.True(rounded.Equals(h), $"{name}: fp16 file differs from the float32 weights rounded to half");
            }
        }
        finally
        {
            foreach (var t in half.Values.Concat(full.Values))
            {
                t.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Int8)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Bool)]
    public void Write_ThenRead_RoundTripsEveryDtype(ScalarType dtype)
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "t.safetensors");
        using var source = arange(0, 24, ScalarType.Float32).reshape(2, 3, 4).sub(7).to_type(dtype);
        using var scalar = tensor(3.0f).to_type(dtype);
        using var emptyTensor = zeros(new long[] { 0, 5 }, dtype);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["b.x"] = source, ["a"] = scalar, ["e"] = emptyTensor }, new Dictionary<string, string> { ["format"] = "pt" });

        var back = SafetensorsFile.ReadAll(path);
        var header = SafetensorsFile.ReadHeader(path);
        try
        {
            Assert.True(back["b.x"].Equals(source));
            Assert.True(back["a"].Equals(scalar));
            Assert.Equal(new long[] { 0, 5 }, back["e"].shape);
            Assert.Equal("pt", header.Metadata["format"]);
            long headerLength = new FileInfo(path).Length - 8 - header.Tensors.Sum(t => t.ByteLength);
            Assert.Equal(0, headerLength % 8);
        }
        finally
        {
            foreach (var t in back.Values)
            {
                t.Dispose();
            }
        }
    }

    [Fact]
    public void Write_ExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "w.safetensors");
        File.WriteAllText(path, "old");
        using var t = ones(3);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = t });

        Assert.Single(Directory.GetFiles(dir.Path));
        using var reader = SafetensorsReader.Open(path);
        using var back = reader.ReadTensor("w");
        Assert.True(back.Equals(t));
    }

    [Fact]
    public void Write_ReservedKey_ThrowsAndLeavesNoFile()
    {
        using var dir = new TemporaryFolder();
        string path = Path.Combine(dir.Path, "w.safetensors");
        using var t = ones(3);

        var e = Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["__metadata__"] = t }));
        Assert.Contains("__metadata__", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    private static void Collect(JsonNode node, Dictionary<string, JsonObject> into)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (value is JsonObject stats && stats["shape"] is JsonArray && stats["dtype"] is JsonValue)
                {
                    into[key] = stats;
                }
                else if (value is not null)
                {
                    Collect(value, into);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null)
                {
                    Collect(item, into);
                }
            }
        }
    }
}
