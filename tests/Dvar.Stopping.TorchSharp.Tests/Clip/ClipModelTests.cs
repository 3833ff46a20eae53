using Dvar.Stopping.TorchSharp.Clip;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Clip;

public class ClipModelTests
{
    private static string Tiny => FixturePaths.ClipTiny;

    [Fact]
    public void StateDictKeys_MatchFixtureFile()
    {
        using var model = new ClipModel(ClipModelConfigTests.ReadConfig(Path.Combine(Tiny, "config.json")));
        var stored = SafetensorsFile.ReadHeader(Path.Combine(Tiny, "model.safetensors")).Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());

        var actual = StructureKeys.Of(model);

        Assert.Equal(stored.Keys.Order(StringComparer.Ordinal), actual.Select(k => k.Key).Order(StringComparer.Ordinal));
        Assert.All(actual, k => Assert.Equal(stored[k.Key], k.Shape));
    }

    [Fact]
    public void ImageFeatures_FixtureCase_MatchesReferenceWithIntermediates()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("image_features");
        var pixels = cases["image_features.input.pixel_values"];
        using var noGrad = no_grad();

        using var features = model.ImageFeatures(pixels);
        using var output = model.EncodeImage(pixels, outputHiddenStates: true);
        var patchEmbeds = new List<Tensor>();
        using var embeddings = model.VisionModel.Embeddings.Forward(pixels, patchEmbeds);

        TensorAssert.Close(features, cases["image_features.output.image_embeds"], atol, rtol, "image_embeds");
        TensorAssert.Close(output.PoolerOutput, cases["image_features.output.pooler_output"], atol, rtol, "pooler_output");
        TensorAssert.Close(output.LastHiddenState, cases["image_features.output.last_hidden_state"], atol, rtol, "last_hidden_state");
        Assert.Equal(model.Config.VisionConfig.NumHiddenLayers + 1, output.HiddenStates.Count);
        for (int i = 0; i < output.HiddenStates.Count; i++)
        {
            TensorAssert.Close(output.HiddenStates[i], cases[$"image_features.output.hidden_states.{i}"], atol, rtol, $"hidden_states.{i}");
        }

        TensorAssert.Close(patchEmbeds.Single(), cases["image_features.intermediate.vision_model.embeddings.patch_embedding"], atol, rtol, "patch_embedding");
        TensorAssert.Close(embeddings, cases["image_features.intermediate.vision_model.embeddings"], atol, rtol, "embeddings");
        patchEmbeds.ForEach(t => t.Dispose());
    }

    [Fact]
    public void TextFeatures_FixtureCase_MatchesReference()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("text_features");
        var ids = cases["text_features.input.input_ids"];
        using var noGrad = no_grad();

        using var features = model.TextFeatures(ids);
        using var output = model.EncodeText(ids);

        TensorAssert.Close(features, cases["text_features.output.text_embeds"], atol, rtol, "text_embeds");
        TensorAssert.Close(output.PoolerOutput, cases["text_features.output.pooler_output"], atol, rtol, "pooler_output");
        TensorAssert.Close(output.LastHiddenState, cases["text_features.output.last_hidden_state"], atol, rtol, "last_hidden_state");
    }

    [Fact]
    public void TextFeatures_AddedTokenAfterEos_PoolsAtFirstEosNotArgmax()
    {
        // A vocabulary extended by two tokens (as textual inversion does): id 49408 after the first eos is larger than 49407,
        // so argmax pooling would move to it; pooling at the first eos keeps the reference features.
        using var dir = CopyWith(
            tensors => tensors.Select(kv => kv.Key == "text_model.embeddings.token_embedding.weight"
                ? KeyValuePair.Create(kv.Key, cat([kv.Value, ones(2, kv.Value.shape[1])], 0))
                : kv),
            editConfig: json => json.Replace("\"vocab_size\": 49408", "\"vocab_size\": 49410", StringComparison.Ordinal));
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(dir.Path);
        Assert.Equal(49410, model.Config.TextConfig.VocabSize);
        var (atol, rtol) = cases.Tolerance("text_features");
        using var ids = cases["text_features.input.input_ids"].clone();
        using var eos = cases["text_features.output.eos_positions"];
        ids[0, eos[0].item<long>() + 1] = tensor(49408L);
        ids[1, eos[1].item<long>() + 2] = tensor(49409L);
        using var noGrad = no_grad();

        using var features = model.TextFeatures(ids);

        TensorAssert.Close(features, cases["text_features.output.text_embeds"], atol, rtol, "text_embeds with added tokens after eos");
    }

    [Fact]
    public void TextFeatures_RowWithoutEos_ThrowsNamingRow()
    {
        using var model = ClipModel.FromPretrained(Tiny);
        using var ids = tensor(new long[] { 49406, 320, 49407, 49406, 320, 321 }).view(2, 3);

        var e = Assert.Throws<ArgumentException>(() => model.TextFeatures(ids));

        Assert.Contains("row 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("49407", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 2, 3, 32, 32 }, true)]
    [InlineData(new long[] { 1, 3, 16, 16 }, false)]
    [InlineData(new long[] { 3, 32, 32 }, false)]
    public void ImageFeatures_WrongShape_ThrowsNamingShape(long[] shape, bool valid)
    {
        using var model = ClipModel.FromPretrained(Tiny);
        using var pixels = zeros(shape);
        using var noGrad = no_grad();

        if (valid)
        {
            using var features = model.ImageFeatures(pixels);
            Assert.Equal([shape[0], 16L], features.shape);
        }
        else
        {
            var e = Assert.Throws<ArgumentException>(() => model.ImageFeatures(pixels));
            Assert.Contains("[B, 3, 32, 32]", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Similarity_FixtureCase_CosinesAndLogitScaleMatch()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("similarity");
        using var noGrad = no_grad();

        using var image = Normalized(model.ImageFeatures(cases["image_features.input.pixel_values"]));
        using var text = Normalized(model.TextFeatures(cases["text_features.input.input_ids"]));
        using var preprocessed = Normalized(model.ImageFeatures(cases["preprocess.output.pixel_values"]));
        using var imageText = image.matmul(text.t());
        using var imageImage = image.matmul(preprocessed.t());
        using var preprocessedText = preprocessed.matmul(text.t());

        TensorAssert.Close(image, cases["similarity.output.image_embeds_normalized"], atol, rtol, "image_embeds_normalized");
        TensorAssert.Close(text, cases["similarity.output.text_embeds_normalized"], atol, rtol, "text_embeds_normalized");
        TensorAssert.Close(preprocessed, cases["similarity.output.preprocessed_image_embeds_normalized"], atol, rtol, "preprocessed_image_embeds_normalized");
        TensorAssert.Close(imageText, cases["similarity.output.cos_image_text"], atol, rtol, "cos_image_text");
        TensorAssert.Close(imageImage, cases["similarity.output.cos_image_image"], atol, rtol, "cos_image_image");
        TensorAssert.Close(preprocessedText, cases["similarity.output.cos_preprocessed_text"], atol, rtol, "cos_preprocessed_text");
        using var logitScale = tensor(model.LogitScaleExp);
        TensorAssert.Close(logitScale, cases["similarity.output.logit_scale_exp"], atol, rtol, "logit_scale_exp");
        using var logits = imageText * model.LogitScaleExp;
        TensorAssert.Close(logits, cases["similarity.output.logits_per_image"], atol, rtol, "logits_per_image");
    }

    [Fact]
    public void PreprocessFeatures_FixtureCase_MatchesReference()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("preprocess_features");
        using var noGrad = no_grad();

        using var features = model.ImageFeatures(cases["preprocess.output.pixel_values"]);

        TensorAssert.Close(features, cases["preprocess_features.output.image_embeds"], atol, rtol, "image_embeds");
    }

    [Fact]
    public void Metrics_FixtureCase_PaperFormulasOnOurFeaturesMatchReference()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny);
        var (atol, rtol) = cases.Tolerance("metrics");
        using var noGrad = no_grad();
        using var reference = Normalized(model.ImageFeatures(cases["image_features.input.pixel_values"]));
        using var generated = Normalized(model.ImageFeatures(cases["preprocess.output.pixel_values"]));
        using var text = Normalized(model.TextFeatures(cases["text_features.input.input_ids"]));

        using var pairwise = generated.matmul(reference.t()).mean();
        long n = reference.shape[0];
        using var paired = stack(Enumerable.Range(0, (int)generated.shape[0]).Select(j => (generated[j] * reference[j % n]).sum()).ToArray()).mean();
        using var textPaired = (reference * text).sum(1).mean();

        TensorAssert.Close(pairwise, cases["metrics.output.clip_img_pairwise_mean"], atol, rtol, "clip_img_pairwise_mean");
        TensorAssert.Close(paired, cases["metrics.output.clip_s_paired_mean"], atol, rtol, "clip_s_paired_mean");
        TensorAssert.Close(textPaired, cases["metrics.output.clip_txt_paired_mean"], atol, rtol, "clip_txt_paired_mean");
    }

    [Fact]
    public void FromPretrained_Float16File_LoadsConvertedAndMatchesReference()
    {
        using var dir = CopyWith(tensors => tensors.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.to_type(ScalarType.Float16))), "model.fp16.safetensors");
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(dir.Path, variant: "fp16");
        using var noGrad = no_grad();

        using var features = model.ImageFeatures(cases["image_features.input.pixel_values"]);

        Assert.Equal(ScalarType.Float32, features.dtype);
        TensorAssert.Close(features, cases["image_features.output.image_embeds"], 2e-2, 2e-2, "image_embeds from fp16 weights");
    }

    [Fact]
    public void FromPretrained_Float64_ComputesInFloat64()
    {
        using var cases = ReferenceCases.LoadFolder(Tiny);
        using var model = ClipModel.FromPretrained(Tiny, dtype: ScalarType.Float64);
        var (atol, rtol) = cases.Tolerance("text_features");
        using var noGrad = no_grad();

        using var features = model.TextFeatures(cases["text_features.input.input_ids"]);

        Assert.Equal(ScalarType.Float64, features.dtype);
        TensorAssert.Close(features, cases["text_features.output.text_embeds"], atol, rtol, "text_embeds in float64");
    }

    [Fact]
    public void FromPretrained_PositionIdsStored_AreAcceptedAndIgnored()
    {
        using var textIds = arange(77, dtype: ScalarType.Int64).unsqueeze(0);
        using var visionIds = arange(17, dtype: ScalarType.Int64).unsqueeze(0);
        using var dir = CopyWith(tensors => tensors.Append(KeyValuePair.Create("text_model.embeddings.position_ids", textIds))
            .Append(KeyValuePair.Create("vision_model.embeddings.position_ids", visionIds)));
        using var cases = ReferenceCases.LoadFolder(Tiny);

        using var model = ClipModel.FromPretrained(dir.Path);
        using var noGrad = no_grad();
        using var features = model.ImageFeatures(cases["image_features.input.pixel_values"]);

        var (atol, rtol) = cases.Tolerance("image_features");
        TensorAssert.Close(features, cases["image_features.output.image_embeds"], atol, rtol, "image_embeds");
    }

    [Fact]
    public void FromPretrained_MissingAndUnexpectedTensors_ThrowsNamingEach()
    {
        using var extra = zeros(3);
        using var dir = CopyWith(tensors => tensors
            .Where(kv => kv.Key is not ("vision_model.pre_layrnorm.weight" or "logit_scale"))
            .Append(KeyValuePair.Create("vision_model.pre_layernorm.weight", extra)));

        var e = Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));

        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("2 missing: logit_scale, vision_model.pre_layrnorm.weight", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 unexpected: vision_model.pre_layernorm.weight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_WrongShape_ThrowsNamingTensorAndShapes()
    {
        using var wrong = zeros(16, 33);
        using var dir = CopyWith(tensors => tensors.Select(kv => kv.Key == "visual_projection.weight" ? KeyValuePair.Create(kv.Key, wrong) : kv));

        var e = Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));

        Assert.Contains("visual_projection.weight expected [16, 32], got [16, 33]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(7)]
    public void FromPretrained_TruncatedFile_ThrowsInvalidData(int keptBytes)
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(Tiny, "config.json"), Path.Combine(dir.Path, "config.json"));
        var bytes = File.ReadAllBytes(Path.Combine(Tiny, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(dir.Path, "model.safetensors"), bytes.AsSpan(0, keptBytes).ToArray());

        var e = Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));

        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPretrained_DataCutShort_ThrowsInvalidData()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(Tiny, "config.json"), Path.Combine(dir.Path, "config.json"));
        var bytes = File.ReadAllBytes(Path.Combine(Tiny, "model.safetensors"));
        File.WriteAllBytes(Path.Combine(dir.Path, "model.safetensors"), bytes.AsSpan(0, bytes.Length - 1000).ToArray());

        Assert.Throws<InvalidDataException>(() => ClipModel.FromPretrained(dir.Path));
    }

    [Fact]
    public void FromPretrained_NoWeightsFile_ThrowsFileNotFound()
    {
        using var dir = new TemporaryFolder();
        File.Copy(Path.Combine(Tiny, "config.json"), Path.Combine(dir.Path, "config.json"));

        Assert.Throws<FileNotFoundException>(() => ClipModel.FromPretrained(dir.Path));
    }

    [Fact]
    public void ImageFeatures_Repeated_LeaksNoTensors()
    {
        using var model = ClipModel.FromPretrained(Tiny);
        using var pixels = zeros(1, 3, 32, 32);
        using var ids = tensor(new long[] { 49406, 320, 49407 }).unsqueeze(0);
        using var noGrad = no_grad();

        LiveTensors.AssertNoGrowth(5, () =>
        {
            using var image = model.ImageFeatures(pixels);
            using var text = model.TextFeatures(ids);
            using var vision = model.EncodeImage(pixels, outputHiddenStates: true);
        });
    }

    internal static Tensor Normalized(Tensor features)
    {
        using (features)
        {
            return nn.functional.normalize(features, p: 2, dim: 1);
        }
    }

    /// <summary>A copy of clip-tiny whose weights file is rewritten by <paramref name="edit"/>.</summary>
    private static TemporaryFolder CopyWith(
        Func<IEnumerable<KeyValuePair<string, Tensor>>, IEnumerable<KeyValuePair<string, Tensor>>> edit,
        string fileName = "model.safetensors",
        Func<string, string>? editConfig = null)
    {
        var dir = new TemporaryFolder();
        string config = File.ReadAllText(Path.Combine(Tiny, "config.json"));
        string edited = editConfig is null ? config : editConfig(config);
        Assert.True(editConfig is null || edited != config, "The config edit changed nothing.");
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), edited);
        var tensors = SafetensorsFile.ReadAll(Path.Combine(Tiny, "model.safetensors"));
        try
        {
            SafetensorsFile.Write(Path.Combine(dir.Path, fileName), edit(tensors).ToList());
        }
        finally
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }
        }

        return dir;
    }
}
