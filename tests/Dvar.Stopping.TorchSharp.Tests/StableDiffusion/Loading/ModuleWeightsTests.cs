using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Loading;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Loading;

public class ModuleWeightsTests
{
    [Fact]
    public void Load_HalfPrecisionFile_CopiesValuesConvertedToModuleDtype()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float16);
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), values);

        ModuleWeights.Load(module, dir.Path, "model");

        foreach (var (key, tensor) in module.state_dict())
        {
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            using var expected = values[key].to_type(ScalarType.Float32);
            Assert.True(tensor.Equals(expected), key);
        }
    }

    [Fact]
    public void Load_Variant_ReadsTheVariantFile()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), Values(ScalarType.Float32, offset: 0));
        var variant = Values(ScalarType.Float16, offset: 100);
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.fp16.safetensors"), variant);

        ModuleWeights.Load(module, dir.Path, "model", new WeightsLoadOptions { Variant = "fp16" });

        using var expected = variant["lin.bias"].to_type(ScalarType.Float32);
        Assert.True(module.state_dict()["lin.bias"].Equals(expected));
    }

    [Fact]
    public void Load_ShardedIndex_ReadsEveryShard()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float32);
        SafetensorsFile.Write(Path.Combine(dir.Path, "model-00001-of-00002.safetensors"), values.Where(kv => kv.Key.StartsWith("lin.", StringComparison.Ordinal)));
        SafetensorsFile.Write(Path.Combine(dir.Path, "model-00002-of-00002.safetensors"), values.Where(kv => kv.Key.StartsWith("norm.", StringComparison.Ordinal)));
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), """
            {"metadata": {"total_size": 44}, "weight_map": {
              "lin.weight": "model-00001-of-00002.safetensors", "lin.bias": "model-00001-of-00002.safetensors",
              "norm.weight": "model-00002-of-00002.safetensors", "norm.bias": "model-00002-of-00002.safetensors"}}
            """);

        ModuleWeights.Load(module, dir.Path, "model");

        foreach (var (key, tensor) in module.state_dict())
        {
            Assert.True(tensor.Equals(values[key]), key);
        }
    }

    [Fact]
    public void Load_KeysAndShapesDisagree_ThrowsOneErrorListingEveryProblemAndLeavesModuleUntouched()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        using var before = module.state_dict()["lin.weight"].clone();
        using var wrongWeight = zeros(3, 3);
        using var extra = zeros(1);
        var values = Values(ScalarType.Float32);
        values.Remove("norm.bias");
        values["lin.weight"] = wrongWeight;
        values["surprise"] = extra;
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), values);

        var e = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(module, dir.Path, "model"));

        Assert.Contains("1 missing: norm.bias", e.Message);
        Assert.Contains("1 unexpected: surprise", e.Message);
        Assert.Contains("lin.weight expected [2, 3], got [3, 3]", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "model.safetensors"), e.Message);
        Assert.True(module.state_dict()["lin.weight"].Equals(before));
    }

    [Fact]
    public void Load_RenamesIgnoredKeysAndSingletonReshape_Apply()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float32);
        using var kernel = values["lin.weight"].reshape(2, 3, 1, 1);
        using var positionIds = arange(5, ScalarType.Int64);
        var stored = new Dictionary<string, Tensor>
        {
            ["lin.legacy_weight"] = kernel,
            ["lin.bias"] = values["lin.bias"],
            ["norm.weight"] = values["norm.weight"],
            ["norm.bias"] = values["norm.bias"],
            ["position_ids"] = positionIds,
        };
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), stored);

        ModuleWeights.Load(module, dir.Path, "model", new WeightsLoadOptions
        {
            Renames = new Dictionary<string, string> { ["lin.legacy_weight"] = "lin.weight" },
            IgnoredKeys = new HashSet<string> { "position_ids" },
            SingletonReshapeKeys = new HashSet<string> { "lin.weight" },
        });

        Assert.True(module.state_dict()["lin.weight"].Equals(values["lin.weight"]));
    }

    [Fact]
    public void Load_SingletonDimensionsOnKeyNotListed_ThrowsWrongShape()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float32);
        using var kernel = values["lin.weight"].reshape(2, 3, 1, 1);
        values["lin.weight"] = kernel;
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), values);

        var e = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(module, dir.Path, "model", new WeightsLoadOptions
        {
            SingletonReshapeKeys = new HashSet<string> { "norm.weight" },
        }));

        Assert.Contains("lin.weight expected [2, 3], got [2, 3, 1, 1]", e.Message);
    }

    [Fact]
    public void Load_NoWeightsFile_ThrowsListingWhatTheFolderHas()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), Values(ScalarType.Float32));

        var e = Assert.Throws<FileNotFoundException>(() => ModuleWeights.Load(module, dir.Path, "model", new WeightsLoadOptions { Variant = "fp16" }));

        Assert.Contains("model.fp16.safetensors", e.Message);
        Assert.Contains("found: model.safetensors", e.Message);
    }

    [Theory]
    [InlineData("""{"weight_map": {"lin.weight": "../model.safetensors"}}""", "must name a file in the same folder")]
    [InlineData("""{"weight_map": {"lin.weight": "absent.safetensors"}}""", "shard 'absent.safetensors'")]
    [InlineData("""{"weight_map": {}}""", "weight_map is empty")]
    [InlineData("""{"metadata": {}}""", "no 'weight_map'")]
    [InlineData("""{"weight_map": """, "not valid JSON")]
    public void Load_BadIndex_ThrowsNamingTheIndex(string index, string expected)
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        File.WriteAllText(Path.Combine(dir.Path, "model.safetensors.index.json"), index);

        var e = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(module, dir.Path, "model"));

        Assert.Contains("model.safetensors.index.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Load_KeyInTwoShards_ThrowsNamingBothFiles()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float32);
        SafetensorsFile.Write(Path.Combine(dir.Path, "a.safetensors"), values);
        SafetensorsFile.Write(Path.Combine(dir.Path, "b.safetensors"), values.Where(kv => kv.Key == "lin.bias"));

        var e = Assert.Throws<InvalidDataException>(() => ModuleWeights.LoadFiles(
            module, [Path.Combine(dir.Path, "a.safetensors"), Path.Combine(dir.Path, "b.safetensors")], new WeightsLoadOptions()));

        Assert.Contains("'lin.bias' in " + Path.Combine(dir.Path, "a.safetensors"), e.Message);
        Assert.Contains("'lin.bias' in " + Path.Combine(dir.Path, "b.safetensors"), e.Message);
    }

    [Fact]
    public void Load_RenamedAndCurrentNameBothStored_ThrowsNamingBothStoredNames()
    {
        using var dir = new TemporaryFolder();
        using var module = Model();
        var values = Values(ScalarType.Float32);
        using var legacy = values["lin.bias"].clone();
        SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), values.Append(new("lin.legacy_bias", legacy)));

        var e = Assert.Throws<InvalidDataException>(() => ModuleWeights.Load(module, dir.Path, "model", new WeightsLoadOptions
        {
            Renames = new Dictionary<string, string> { ["lin.legacy_bias"] = "lin.bias" },
        }));

        Assert.Contains("module key 'lin.bias'", e.Message);
        Assert.Contains("'lin.legacy_bias' in", e.Message);
        Assert.Contains("'lin.bias' in", e.Message);
    }

    private static nn.Module<Tensor, Tensor> Model() =>
        nn.Sequential(("lin", nn.Linear(3, 2)), ("norm", nn.LayerNorm(2)));

    private static Dictionary<string, Tensor> Values(ScalarType dtype, int offset = 0) => new()
    {
        ["lin.weight"] = arange(offset, offset + 6, ScalarType.Float32).reshape(2, 3).div(8).to_type(dtype),
        ["lin.bias"] = tensor(new float[] { offset + 0.5f, offset - 0.25f }).to_type(dtype),
        ["norm.weight"] = tensor(new float[] { 2, 3 }).to_type(dtype),
        ["norm.bias"] = tensor(new float[] { -1, 1 }).to_type(dtype),
    };
}
