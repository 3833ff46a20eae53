using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

public class CustomDiffusionTests
{
    private static readonly CustomDiffusionOptions Diffusers = new() { Recipe = TrainingRecipe.Diffusers };

    private const string TokenRowsName = "text_encoder.text_model.embeddings.trainable_token_rows_0";

    /// <summary>The cross-attention key/value weights, read from the UNet's state dict.</summary>
    private static Dictionary<string, long[]> KeyValueWeights(StableDiffusionPipeline pipeline) =>
        pipeline.Unet.state_dict()
            .Where(kv => kv.Key.EndsWith(".attn2.to_k.weight", StringComparison.Ordinal) || kv.Key.EndsWith(".attn2.to_v.weight", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    [Fact]
    public void TokenFileName_CharacterInvalidInFileNames_BecomesUnderscore()
    {
        // '/' is invalid in file names on every system; letters, digits and '-' never are.
        Assert.Equal("<new_1-x>.safetensors".Replace('<', Sanitized('<')).Replace('>', Sanitized('>')), CustomDiffusion.TokenFileName("<new/1-x>"));

        static char Sanitized(char c) => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c;
    }

    [Fact]
    public void Attach_TinyPipeline_TrainsModifierRowAndEveryCrossAttentionKeyValue()
    {
        using var pipeline = TinyPipeline.Load();
        var keyValue = KeyValueWeights(pipeline);
        var keys = pipeline.Unet.state_dict().Keys.ToList();
        using var method = new CustomDiffusion(Diffusers);

        method.Attach(pipeline);

        var expected = keyValue.Keys.Select(k => "unet." + k).Prepend(TokenRowsName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, method.TrainableParameters.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(expected, TinyPipeline.ParametersRequiringGrad(pipeline).Order(StringComparer.Ordinal));
        Assert.All(method.TrainableParameters, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        Assert.All(method.TrainableParameters.Skip(1), p => Assert.Equal(keyValue[p.Name["unet.".Length..]], p.Parameter.shape));
        Assert.Equal(keys, pipeline.Unet.state_dict().Keys);
        Assert.Equal(49408, pipeline.Tokenizer.TokenToId("<new1>"));
    }

    [Fact]
    public void Attach_DefaultInitializer_CopiesTheRowOfVocabularyEntryKtn()
    {
        // diffusers' script encodes [initializer_token] as an already tokenized list: "ktn" is the raw BPE entry, not "k" + "tn</w>".
        using var vocabulary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(FixturePaths.Get("sd-tiny", "tokenizer", "vocab.json")));
        int ktn = vocabulary.RootElement.GetProperty("ktn").GetInt32();
        using var pipeline = TinyPipeline.Load();
        using var method = new CustomDiffusion(Diffusers);

        method.Attach(pipeline);

        using var row = method.TrainableParameters[0].Parameter.detach();
        using var table = pipeline.TextEncoder.TokenEmbedding.weight!.detach();
        Assert.True(row.Equals(table[ktn].unsqueeze(0)));
    }

    [Fact]
    public void Attach_TinyPipeline_KeepsUnetOutputBitIdentical()
    {
        using var method = new CustomDiffusion(Diffusers);

        UnetProbe.AssertAttachKeepsOutput(method);
    }

    [Fact]
    public void TrainingStep_TinyPipeline_ChangesOnlyKeyValueCopiesAndModifierRow()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = new CustomDiffusion(Diffusers);

        using var run = TrainingRun.AttachAndStep(pipeline, method, learningRate: 1e-3);

        Assert.True(double.IsFinite(run.Loss));
        Assert.Empty(run.Attached.ChangedFrom(run.BeforeAttach));
        Assert.Equal([TokenRowsName], run.After.AddedSince(run.BeforeAttach));
        var expected = method.TrainableParameters.Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(expected, run.After.ChangedFrom(run.Attached).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TrainingStep_BFloat16Pipeline_KeepsTrainedWeightsFloat32AndLossFinite()
    {
        using var pipeline = TinyPipeline.Load(ScalarType.BFloat16);
        using var method = new CustomDiffusion(Diffusers);
        method.Attach(pipeline);

        double loss = TrainingStep.Run(pipeline, method, learningRate: 1e-3);

        Assert.True(double.IsFinite(loss));
        Assert.All(method.TrainableParameters, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
    }

    [Fact]
    public void SaveArtifacts_AfterTraining_WritesDiffusersKeysShapesAndOneDimensionalToken()
    {
        using var pipeline = TinyPipeline.Load();
        var keyValue = KeyValueWeights(pipeline);
        using var method = new CustomDiffusion(Diffusers);
        method.Attach(pipeline);
        TrainingStep.Run(pipeline, method, learningRate: 1e-3);
        using var dir = new TemporaryFolder();

        var paths = method.SaveArtifacts(dir.Path);

        Assert.Equal(["pytorch_custom_diffusion_weights.safetensors", "<new1>.safetensors"], paths.Select(Path.GetFileName));
        var header = SafetensorsFile.ReadHeader(paths[0]);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, header.Metadata);
        var expected = keyValue.ToDictionary(
            kv => kv.Key.Replace(".attn2.to_k.weight", ".attn2.processor.to_k_custom_diffusion.weight", StringComparison.Ordinal)
                .Replace(".attn2.to_v.weight", ".attn2.processor.to_v_custom_diffusion.weight", StringComparison.Ordinal),
            kv => kv.Value);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), header.Tensors.Select(t => t.Name));
        Assert.All(header.Tensors, t => Assert.Equal(expected[t.Name], t.Shape));
        Assert.All(header.Tensors, t => Assert.Equal("F32", t.DType));
        Assert.Contains("down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_k_custom_diffusion.weight", expected.Keys);
        var token = SafetensorsFile.ReadHeader(paths[1]);
        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt" }, token.Metadata);
        var info = Assert.Single(token.Tensors);
        Assert.Equal("<new1>", info.Name);
        Assert.Equal([32L], info.Shape);
        Assert.Equal("F32", info.DType);
    }

    [Fact]
    public void LoadWeights_SavedArtifacts_ReproduceTrainedUnetAndTextEncoder()
    {
        using var dir = new TemporaryFolder();
        using var trained = TinyPipeline.Load();
        using var method = new CustomDiffusion(new CustomDiffusionOptions { Recipe = TrainingRecipe.Diffusers, Templates = PromptTemplateSet.Single("photo of a {} cat") });
        method.Attach(trained);
        TrainingStep.Run(trained, method, learningRate: 1e-2);
        method.SaveArtifacts(dir.Path);
        using var probe = new UnetProbe(trained);
        using var expectedUnet = probe.Run(trained);
        using var expectedText = TinyPipeline.Encode(trained, "photo of a <new1> cat");
        using var fresh = TinyPipeline.Load();
        using var baseOutput = probe.Run(fresh);

        var placeholders = CustomDiffusion.LoadWeights(fresh, dir.Path);

        Assert.Equal(["<new1>"], placeholders);
        using var actualUnet = probe.Run(fresh);
        using var actualText = TinyPipeline.Encode(fresh, "photo of a <new1> cat");
        Assert.False(actualUnet.allclose(baseOutput, rtol: 0, atol: 1e-5), "training changed the UNet");
        TensorAssert.Close(actualUnet, expectedUnet, atol: 1e-6, rtol: 1e-6, "UNet output with the loaded key/value weights");
        TensorAssert.Close(actualText, expectedText, atol: 1e-6, rtol: 0, "text encoder output with the loaded modifier token");
    }

    [Fact]
    public void LoadWeights_MissingAndWrongShapeKeys_ThrowListingThemAndChangeNothing()
    {
        using var dir = new TemporaryFolder();
        using (var trained = TinyPipeline.Load())
        using (var method = new CustomDiffusion(Diffusers))
        {
            method.Attach(trained);
            method.SaveArtifacts(dir.Path);
        }

        string path = Path.Combine(dir.Path, "pytorch_custom_diffusion_weights.safetensors");
        const string Missing = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_v_custom_diffusion.weight";
        const string Wrong = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.processor.to_k_custom_diffusion.weight";
        var tensors = SafetensorsFile.ReadAll(path);
        tensors.Remove(Missing, out var removed);
        removed!.Dispose();
        tensors[Wrong].Dispose();
        tensors[Wrong] = zeros(32, 768);
        SafetensorsFile.Write(path, tensors);
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }

        using var pipeline = TinyPipeline.Load();
        using var before = StateSnapshot.Take(pipeline);

        var e = Assert.Throws<InvalidDataException>(() => CustomDiffusion.LoadWeights(pipeline, dir.Path));

        Assert.Contains($"1 missing keys: {Missing}", e.Message);
        Assert.Contains($"{Wrong} F32 [32, 768], expected floating [32, 32]", e.Message);
        using var after = StateSnapshot.Take(pipeline);
        Assert.Empty(after.ChangedFrom(before));
        Assert.Null(pipeline.Tokenizer.TokenToId("<new1>"));
    }

    [Fact]
    public void LoadWeights_OnlyPickledWeights_RefusesWithClearMessage()
    {
        using var dir = new TemporaryFolder();
        File.WriteAllBytes(Path.Combine(dir.Path, "pytorch_custom_diffusion_weights.bin"), [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0]);
        using var pipeline = TinyPipeline.Load();

        var e = Assert.Throws<NotSupportedException>(() => CustomDiffusion.LoadWeights(pipeline, dir.Path));

        Assert.Contains("pytorch_custom_diffusion_weights.bin", e.Message);
    }

    [Fact]
    public void LoadWeights_MissingFolder_ThrowsDirectoryNotFound()
    {
        using var pipeline = TinyPipeline.Load();

        Assert.Throws<DirectoryNotFoundException>(() => CustomDiffusion.LoadWeights(pipeline, "/nonexistent/custom-diffusion"));
    }

    [Fact]
    public void Attach_AfterLoraWasAttached_ThrowsAndChangesNothing()
    {
        using var pipeline = TinyPipeline.Load();
        using var lora = new DreamBoothLora(new DreamBoothLoraOptions { Token = "sks", TrainTokenEmbedding = false });
        lora.Attach(pipeline);
        using var method = new CustomDiffusion(Diffusers);

        Assert.Throws<ArgumentException>(() => method.Attach(pipeline));
        Assert.Null(pipeline.Tokenizer.TokenToId("<new1>"));
    }

    [Fact]
    public void Ctor_InvalidModifierToken_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new CustomDiffusion(new CustomDiffusionOptions { ModifierToken = "new 1" }));

        Assert.Equal("ModifierToken", e.ParamName);
    }
}
