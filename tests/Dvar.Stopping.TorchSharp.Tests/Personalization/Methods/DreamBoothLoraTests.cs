using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

public partial class DreamBoothLoraTests
{
    private const string TokenRowsName = "text_encoder.text_model.embeddings.trainable_token_rows_0";

    private static DreamBoothLora NewMethod(bool feedForward = true, bool token = true, double? alpha = null) => new(new DreamBoothLoraOptions
    {
        Recipe = TrainingRecipe.Diffusers,
        Token = "<my-dog>",
        InitializerToken = "dog",
        TrainFeedForward = feedForward,
        TrainTokenEmbedding = token,
        Alpha = alpha,
    });

    /// <summary>The UNet's linear layers LoRA targets, read from its state dict: every attention projection, and the GEGLU projections.</summary>
    private static List<(string Path, long[] Shape)> TargetWeights(StableDiffusionPipeline pipeline, bool feedForward) =>
    [
        .. pipeline.Unet.state_dict()
            .Where(kv => kv.Key.EndsWith(".weight", StringComparison.Ordinal))
            .Select(kv => (Path: kv.Key[..^".weight".Length], Shape: kv.Value.shape))
            .Where(k => k.Path.Contains(".attn", StringComparison.Ordinal) && (k.Path.EndsWith(".to_q", StringComparison.Ordinal)
                || k.Path.EndsWith(".to_k", StringComparison.Ordinal) || k.Path.EndsWith(".to_v", StringComparison.Ordinal)
                || k.Path.EndsWith(".to_out.0", StringComparison.Ordinal)) || (feedForward && k.Path.EndsWith(".ff.net.0.proj", StringComparison.Ordinal))),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attach_TinyPipeline_AddsRankFourLoraToEveryTargetLayer(bool feedForward)
    {
        using var pipeline = TinyPipeline.Load();
        var targets = TargetWeights(pipeline, feedForward);
        using var method = NewMethod(feedForward, token: false);

        method.Attach(pipeline);

        var expected = targets.SelectMany(t => new[]
        {
            ($"unet.{t.Path}.lora.down.weight", new[] { 4L, t.Shape[1] }),
            ($"unet.{t.Path}.lora.up.weight", new[] { t.Shape[0], 4L }),
        }).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();
        var actual = method.TrainableParameters.Select(p => (p.Name, p.Parameter.shape)).OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Name));
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Item2, pair.Second.shape));
        Assert.All(method.TrainableParameters, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        Assert.Equal(actual.Select(a => a.Name).Order(StringComparer.Ordinal), TinyPipeline.ParametersRequiringGrad(pipeline).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Attach_TinyPipeline_KeepsUnetStateDictKeysAndAddsOnlyLoraKeys()
    {
        using var pipeline = TinyPipeline.Load();
        var before = pipeline.Unet.state_dict().Keys.ToList();
        using var method = NewMethod();

        method.Attach(pipeline);

        var after = pipeline.Unet.state_dict().Keys.ToList();
        Assert.Equal(before, after.Where(k => !k.Contains(".lora.", StringComparison.Ordinal)));
        Assert.Equal(
            method.TrainableParameters.Where(p => p.Name.StartsWith("unet.", StringComparison.Ordinal)).Select(p => p.Name["unet.".Length..]).Order(StringComparer.Ordinal),
            after.Where(k => k.Contains(".lora.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Attach_UpIsZero_UnetOutputBitIdenticalToBaseModel()
    {
        using var method = NewMethod();

        UnetProbe.AssertAttachKeepsOutput(method);
    }

    [Fact]
    public void Attach_DownWeights_DrawnWithStdOneOverRankFromTheSeed()
    {
        using var first = TinyPipeline.Load();
        using var second = TinyPipeline.Load();
        using var a = NewMethod();
        using var b = NewMethod();

        a.Attach(first);
        b.Attach(second);

        var downs = a.TrainableParameters.Where(p => p.Name.EndsWith(".lora.down.weight", StringComparison.Ordinal)).Select(p => p.Parameter.detach().flatten()).ToList();
        using var all = cat(downs, 0);
        Assert.InRange(all.std().item<float>(), 0.25 * 0.9, 0.25 * 1.1);
        Assert.InRange(all.mean().item<float>(), -0.02, 0.02);
        Assert.All(a.TrainableParameters.Zip(b.TrainableParameters), p => Assert.True(p.First.Parameter.Equals(p.Second.Parameter), p.First.Name));
        Assert.All(a.TrainableParameters.Where(p => p.Name.EndsWith(".lora.up.weight", StringComparison.Ordinal)), p => Assert.Equal(0, p.Parameter.count_nonzero().item<long>()));
    }

    [Fact]
    public void TrainingStep_TinyPipeline_ChangesOnlyLoraWeightsAndTokenRow()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod();

        using var run = TrainingRun.AttachAndStep(pipeline, method, learningRate: 1e-3);

        Assert.True(double.IsFinite(run.Loss));
        Assert.Empty(run.After.ChangedFrom(run.BeforeAttach));
        var trainable = method.TrainableParameters.Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(trainable, run.After.AddedSince(run.BeforeAttach).Order(StringComparer.Ordinal));

        // AdamW's first step moves every up weight (zero-initialised, nonzero gradient) and the token row; down weights get no
        // gradient while up = 0 and move only by weight decay.
        var changed = run.After.ChangedFrom(run.Attached);
        Assert.Contains(TokenRowsName, changed);
        Assert.All(method.TrainableParameters.Where(p => p.Name.EndsWith(".lora.up.weight", StringComparison.Ordinal)), p => Assert.Contains(p.Name, changed));
        Assert.All(changed, name => Assert.Contains(name, trainable));
    }

    [Fact]
    public void TrainingStep_BFloat16Pipeline_KeepsLoraFloat32AndLossFinite()
    {
        using var pipeline = TinyPipeline.Load(ScalarType.BFloat16);
        using var method = NewMethod();
        method.Attach(pipeline);

        double loss = TrainingStep.Run(pipeline, method, learningRate: 1e-3);
        double second = TrainingStep.Run(pipeline, method, seed: 8, learningRate: 1e-3);

        Assert.True(double.IsFinite(loss) && double.IsFinite(second));
        Assert.All(method.TrainableParameters, p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
        Assert.All(pipeline.Unet.state_dict().Where(kv => !kv.Key.Contains(".lora.", StringComparison.Ordinal)), kv => Assert.Equal(ScalarType.BFloat16, kv.Value.dtype));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaveArtifacts_AfterTraining_WritesTheKeysAndShapesOfDiffusersLoraFile(bool feedForward)
    {
        // The expected keys come from a LoRA file written by diffusers for this UNet (rank 4, attention projections):
        // with the feed-forward projections, each transformer block of that file also gets ff.net.0.proj.
        var reference = SafetensorsFile.ReadHeader(FixturePaths.Get("sd-tiny", "lora", "pytorch_lora_weights.safetensors"));
        var expected = reference.Tensors.ToDictionary(t => t.Name, t => t.Shape);
        if (feedForward)
        {
            var blocks = expected.Keys.Select(k => k[..(k.IndexOf(".attn", StringComparison.Ordinal))]).Distinct().ToList();
            var hidden = expected.Where(kv => kv.Key.EndsWith(".attn1.to_q.lora.down.weight", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[..kv.Key.IndexOf(".attn1", StringComparison.Ordinal)], kv => kv.Value[1]);
            foreach (string block in blocks)
            {
                long width = hidden[block];
                expected[$"{block}.ff.net.0.proj.lora.down.weight"] = [4, width];
                expected[$"{block}.ff.net.0.proj.lora.up.weight"] = [8 * width, 4]; // GEGLU: 2 x the 4 x width inner size
            }
        }

        using var pipeline = TinyPipeline.Load();
        using var method = NewMethod(feedForward);
        method.Attach(pipeline);
        TrainingStep.Run(pipeline, method, learningRate: 1e-3);
        using var dir = new TemporaryFolder();

        var paths = method.SaveArtifacts(dir.Path);

        Assert.Equal(["pytorch_lora_weights.safetensors", "learned_embeds.safetensors"], paths.Select(Path.GetFileName));
        var header = SafetensorsFile.ReadHeader(paths[0]);
        Assert.Equal(reference.Metadata, header.Metadata);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), header.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(header.Tensors, t => Assert.Equal(expected[t.Name], t.Shape));
        Assert.All(header.Tensors, t => Assert.Equal("F32", t.DType));
        var embeds = SafetensorsFile.ReadHeader(paths[1]);
        Assert.Equal([1L, 32L], Assert.Single(embeds.Tensors, t => t.Name == "<my-dog>").Shape);
    }

    [Fact]
    public void LoadWeights_SavedArtifacts_ReproduceTrainedUnetAndTextEncoder()
    {
        using var dir = new TemporaryFolder();
        using var trained = TinyPipeline.Load();
        using var method = NewMethod(alpha: 8);
        method.Attach(trained);
        TrainingStep.Run(trained, method, learningRate: 1e-2);
        TrainingStep.Run(trained, method, seed: 9, learningRate: 1e-2);
        var paths = method.SaveArtifacts(dir.Path);
        using var probe = new UnetProbe(trained);
        using var expectedUnet = probe.Run(trained);
        using var expectedText = TinyPipeline.Encode(trained, "a photo of <my-dog>");
        using var fresh = TinyPipeline.Load();
        using var baseOutput = probe.Run(fresh);

        DreamBoothLora.LoadWeights(fresh, paths[0]);
        TextualInversion.LoadEmbeddings(fresh, paths[1]);

        using var actualUnet = probe.Run(fresh);
        using var actualText = TinyPipeline.Encode(fresh, "a photo of <my-dog>");
        Assert.False(actualUnet.allclose(baseOutput, rtol: 0, atol: 1e-4), "training changed the UNet");
        TensorAssert.Close(actualUnet, expectedUnet, atol: 1e-5, rtol: 1e-5, "UNet output with the loaded LoRA (alpha 8 folded into up)");
        TensorAssert.Close(actualText, expectedText, atol: 1e-6, rtol: 0, "text encoder output with the loaded token");
    }

    [Fact]
    public void TrainsTextConditioning_FollowsTrainTokenEmbedding()
    {
        using var withToken = NewMethod(token: true);
        using var without = NewMethod(token: false);

        Assert.True(withToken.TrainsTextConditioning);
        Assert.False(without.TrainsTextConditioning);
    }

    [Fact]
    public void Attach_WithoutToken_LeavesTokenizerUnchanged()
    {
        using var pipeline = TinyPipeline.Load();
        using var method = new DreamBoothLora(new DreamBoothLoraOptions { Token = "sks", TrainTokenEmbedding = false });

        method.Attach(pipeline);

        Assert.Equal(49408, pipeline.Tokenizer.VocabularySize);
        Assert.DoesNotContain(method.TrainableParameters, p => p.Name.StartsWith("text_encoder.", StringComparison.Ordinal));
        Assert.Equal("sks", method.Placeholder);
    }

    [Fact]
    public void Attach_SecondLoraOnSamePipeline_ThrowsNamingALayerAndChangesNothing()
    {
        using var pipeline = TinyPipeline.Load();
        using var first = NewMethod(token: false);
        first.Attach(pipeline);
        var keys = pipeline.Unet.state_dict().Keys.ToList();
        using var second = new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<other>", InitializerToken = "dog" });

        var e = Assert.Throws<ArgumentException>(() => second.Attach(pipeline));

        Assert.Contains("down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q is not a plain linear layer", e.Message);
        Assert.Null(pipeline.Tokenizer.TokenToId("<other>"));
        Assert.Equal(keys, pipeline.Unet.state_dict().Keys);
    }

    [Fact]
    public void Ctor_TrainedTokenWithoutInitializer_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new DreamBoothLora(new DreamBoothLoraOptions { Recipe = TrainingRecipe.Diffusers, Token = "<x>" }));

        Assert.Equal("InitializerToken", e.ParamName);
    }

    [Theory]
    [InlineData(0, null, 1.0, "Rank")]
    [InlineData(4, 0.0, 1.0, "Alpha")]
    [InlineData(4, double.NaN, 1.0, "Alpha")]
    [InlineData(4, null, -1.0, "PriorLossWeight")]
    public void Ctor_InvalidNumber_ThrowsNamingIt(int rank, double? alpha, double priorLossWeight, string expected)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DreamBoothLora(new DreamBoothLoraOptions
        {
            Token = "sks",
            TrainTokenEmbedding = false,
            Rank = rank,
            Alpha = alpha,
            PriorLossWeight = priorLossWeight,
        }));

        Assert.Equal(expected, e.ParamName);
    }
}
