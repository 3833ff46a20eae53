using Dvar.Stopping.TorchSharp.Dino;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Dino;

public class DinoVitModelTests
{
    private static string WeightsPath => Path.Combine(DinoFixture.Folder, "model.safetensors");

    [Fact]
    public void StateDict_Vits16Config_MatchesPublishedKeysAndShapesInOrder()
    {
        var config = ConfigJson.Read<DinoConfig>(FixturePaths.Get("dino-vits16-structure", "config.json"));
        using var model = new DinoVitModel(config);
        var (keys, tensors, parameters) = DinoFixture.Vits16Keys();

        var actual = StructureKeys.Of(model);

        Assert.Equal(keys.Select(Describe), actual.Select(Describe));
        Assert.Equal(198, tensors);
        Assert.Equal(tensors, actual.Count);
        Assert.Equal(21_665_664, parameters);
        Assert.Equal(parameters, actual.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void StateDict_TinyConfig_MatchesFixtureFile()
    {
        using var model = new DinoVitModel(ConfigJson.Read<DinoConfig>(Path.Combine(DinoFixture.Folder, "config.json")));
        var stored = SafetensorsFile.ReadHeader(WeightsPath).Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());

        var actual = StructureKeys.Of(model);

        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), actual.Select(k => k.Key).Order(StringComparer.Ordinal));
        Assert.All(actual, k => Assert.Equal(stored[k.Key], k.Shape));
    }

    [Fact]
    public void ClsFeatures_FixturePixelValues_MatchReference()
    {
        using var fixture = DinoFixture.Load();
        using var model = DinoVitModel.FromPretrained(DinoFixture.Folder);
        var (atol, rtol) = DinoFixture.Tolerance("features");
        using var noGrad = no_grad();

        using var features = model.ClsFeatures(fixture["pixel_values"]);

        TensorAssert.Close(features, fixture["features"], atol, rtol, "features");
    }

    [Fact]
    public void Forward_ReturnsCls0OfLastHiddenState()
    {
        using var fixture = DinoFixture.Load();
        using var model = DinoVitModel.FromPretrained(DinoFixture.Folder);
        using var noGrad = no_grad();

        using var hidden = model.forward(fixture["pixel_values"]);

        Assert.Equal(new long[] { 3, 17, 32 }, hidden.shape);
        using var cls = hidden.select(1, 0);
        TensorAssert.Close(cls, fixture["features"], 1e-4, 1e-3, "last_hidden_state[:, 0]");
    }

    [Fact]
    public void Forward_OtherImageSize_ThrowsWithoutInterpolating()
    {
        using var model = DinoVitModel.FromPretrained(DinoFixture.Folder);
        using var large = zeros(1, 3, 48, 48);

        var e = Assert.Throws<ArgumentException>(() => model.forward(large));

        Assert.Contains("[B, 3, 32, 32]", e.Message, StringComparison.Ordinal);
        Assert.Contains("not interpolated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_MissingTensor_NamesIt()
    {
        using var dir = CopyWith(tensors => tensors.Remove("encoder.layer.1.attention.attention.key.bias"));

        var e = Assert.Throws<InvalidDataException>(() => DinoVitModel.FromPretrained(dir.Path));

        Assert.Contains("1 missing: encoder.layer.1.attention.attention.key.bias", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_UnexpectedAndWrongShape_NamesThem()
    {
        using var dir = CopyWith(tensors =>
        {
            tensors["vit.extra"] = zeros(2);
            tensors["layernorm.bias"].Dispose();
            tensors["layernorm.bias"] = zeros(31);
        });

        var e = Assert.Throws<InvalidDataException>(() => DinoVitModel.FromPretrained(dir.Path));

        Assert.Contains("1 unexpected: vit.extra", e.Message, StringComparison.Ordinal);
        Assert.Contains("layernorm.bias expected [32], got [31]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_PoolerPresent_IsIgnored()
    {
        using var fixture = DinoFixture.Load();
        using var dir = CopyWith(tensors =>
        {
            tensors["pooler.dense.weight"] = ones(32, 32);
            tensors["pooler.dense.bias"] = ones(32);
        });
        using var model = DinoVitModel.FromPretrained(dir.Path);
        using var noGrad = no_grad();

        using var features = model.ClsFeatures(fixture["pixel_values"]);

        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("pooler", StringComparison.Ordinal));
        TensorAssert.Close(features, fixture["features"], 1e-4, 1e-3, "features");
    }

    [Fact]
    public void FromPretrained_DamagedFile_ThrowsInvalidData()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(DinoFixture.Folder, "config.json"), Path.Combine(dir.Path, "config.json"));
        byte[] bytes = File.ReadAllBytes(WeightsPath);
        File.WriteAllBytes(Path.Combine(dir.Path, "model.safetensors"), bytes[..(bytes.Length / 2)]);

        Assert.Throws<InvalidDataException>(() => DinoVitModel.FromPretrained(dir.Path));
    }

    [Fact]
    public void FromPretrained_OnlyAPickleThatIsNotAZip_IsRefusedNamingTheFile()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(DinoFixture.Folder, "config.json"), Path.Combine(dir.Path, "config.json"));
        File.WriteAllBytes(Path.Combine(dir.Path, "pytorch_model.bin"), [1, 2, 3]);

        var e = Assert.Throws<InvalidDataException>(() => DinoVitModel.FromPretrained(dir.Path));

        Assert.Contains("pytorch_model.bin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_OnlyPytorchModelBin_LoadsTheSameWeightsAsTheSafetensorsTwin()
    {
        // facebook/dino-vits16's main branch ships only pytorch_model.bin; this one was written by torch.save from the fixture.
        using var fromBin = DinoVitModel.FromPretrained(FixturePaths.Get("torch-pickle", "dino-tiny-bin"));
        using var fromSafetensors = DinoVitModel.FromPretrained(DinoFixture.Folder);

        var expected = fromSafetensors.state_dict();
        var actual = fromBin.state_dict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
        {
            Assert.True(tensor.allclose(actual[name], rtol: 0, atol: 0), name);
        }
    }

    [Fact]
    public void FromPretrained_InvalidConfig_NamesFileAndKey()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), """{"hidden_size": 32, "num_attention_heads": 5}""");
        File.Copy(WeightsPath, Path.Combine(dir.Path, "model.safetensors"));

        var e = Assert.Throws<InvalidDataException>(() => DinoVitModel.FromPretrained(dir.Path));

        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("num_attention_heads (5)", e.Message, StringComparison.Ordinal);
    }

    private static string Describe((string Key, long[] Shape) entry) => $"{entry.Key} [{string.Join(", ", entry.Shape)}]";

    /// <summary>A copy of the tiny folder whose weights file was edited by <paramref name="edit"/>.</summary>
    private static TemporaryFolder CopyWith(Action<Dictionary<string, Tensor>> edit)
    {
        var dir = new TemporaryFolder();
        File.Copy(Path.Combine(DinoFixture.Folder, "config.json"), Path.Combine(dir.Path, "config.json"));
        var tensors = SafetensorsFile.ReadAll(WeightsPath);
        try
        {
            edit(tensors);
            SafetensorsFile.Write(Path.Combine(dir.Path, "model.safetensors"), tensors);
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }

        return dir;
    }
}
