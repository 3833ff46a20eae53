using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;
using Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline.Reference;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Pipeline;

/// <summary>The sampler choice: the folder's scheduler (sd-tiny names PNDMScheduler, as SD v1.5 does), DDIM or PNDM on request.
/// PNDM's own arithmetic is checked against diffusers in PndmSchedulerTests; sd-tiny has no reference generation, so here the
/// pipeline is checked against a loop written from its parts.</summary>
public partial class StableDiffusionPipelineTests
{
    [Fact]
    public void FolderSampler_TinyFolderNamingPndm_IsPndm()
    {
        Assert.Equal("PNDMScheduler", tiny.Scheduler.Config.ClassName);
        Assert.Equal(SamplerKind.Pndm, tiny.FolderSampler);
        Assert.Equal(SamplerKind.Pndm, tiny.ResolveSampler(SamplerKind.FolderDefault));
        Assert.Equal(SamplerKind.Ddim, tiny.ResolveSampler(SamplerKind.Ddim));
    }

    [Fact]
    public void DenoiseLatents_PndmFourGuidedSteps_MatchesLoopOverUnetAndPndmScheduler()
    {
        using var latents = NaiveGuidedDdim.InitialLatents(7, 2, 16, 16);
        using var conditioning = NaiveGuidedDdim.Conditioning(tiny, Prompt, string.Empty, 2, guided: true);

        using var actual = tiny.DenoiseLatents(latents, conditioning, 4, 5.0, SamplerKind.Pndm);

        using var expected = GuidedPndmLoop(latents, conditioning, 4, 5.0);
        TensorAssert.Close(actual, expected, LatentTolerance, LatentTolerance, "x_0");
    }

    [Fact]
    public void Generate_DefaultSampler_IsTheFoldersPndm()
    {
        var options = new GenerationOptions { Steps = 3, Seed = 21 };

        var byDefault = Assert.Single(tiny.Generate(Prompt, options));
        var pndm = Assert.Single(tiny.Generate(Prompt, options with { Sampler = SamplerKind.Pndm }));
        var ddim = Assert.Single(tiny.Generate(Prompt, options with { Sampler = SamplerKind.Ddim }));

        Assert.True(byDefault.Rgb.Span.SequenceEqual(pndm.Rgb.Span), "The default must sample with the folder's PNDMScheduler.");
        Assert.False(byDefault.Rgb.Span.SequenceEqual(ddim.Rgb.Span), "PNDM and DDIM gave the same image.");
    }

    [Fact]
    public void Generate_PndmProgress_ReportsTheRepeatedTimestep()
    {
        var progress = new ListProgress<GenerationProgress>();

        tiny.Generate(Prompt, new GenerationOptions { Steps = 4, Sampler = SamplerKind.Pndm }, progress);

        Assert.Equal([751, 501, 501, 251, 1], progress.Reports.Select(r => r.Timestep));
        Assert.Equal([1, 2, 3, 4, 5], progress.Reports.Select(r => r.Step));
        Assert.All(progress.Reports, r => Assert.Equal(5, r.TotalSteps));
    }

    [Fact]
    public void Generate_PndmRepeated_KeepsLiveTensorCountFlat()
    {
        var options = new GenerationOptions { Steps = 6, Sampler = SamplerKind.Pndm };

        LiveTensors.AssertNoGrowth(4, () => tiny.Generate(Prompt, options));
    }

    [Theory]
    [InlineData("EulerDiscreteScheduler")]
    [InlineData("DDPMScheduler")]
    public void Generate_FolderNamingAnotherScheduler_RefusesTheDefaultButSamplesOnRequest(string className)
    {
        using var other = new StableDiffusionPipeline(
            ClipTokenizer.FromPretrained(FixturePaths.Get("sd-tiny", "tokenizer")),
            ClipTextModel.FromPretrained(FixturePaths.Get("sd-tiny", "text_encoder")),
            AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae")),
            UNet2DConditionModel.FromPretrained(FixturePaths.Get("sd-tiny", "unet")),
            new DdpmScheduler(tiny.Scheduler.Config with { ClassName = className }));
        var options = new GenerationOptions { Steps = 2, Seed = 4 };

        var e = Assert.Throws<NotSupportedException>(() => other.Generate(Prompt, options));

        Assert.Null(other.FolderSampler);
        Assert.Contains(className, e.Message, StringComparison.Ordinal);
        Assert.Contains("SamplerKind.Ddim", e.Message, StringComparison.Ordinal);
        var ddim = Assert.Single(other.Generate(Prompt, options with { Sampler = SamplerKind.Ddim }));
        var expected = Assert.Single(tiny.Generate(Prompt, options with { Sampler = SamplerKind.Ddim }));
        Assert.True(ddim.Rgb.Span.SequenceEqual(expected.Rgb.Span));
    }

    [Fact]
    public void FolderSampler_NoClassName_IsDdim()
    {
        using var other = new StableDiffusionPipeline(
            ClipTokenizer.FromPretrained(FixturePaths.Get("sd-tiny", "tokenizer")),
            ClipTextModel.FromPretrained(FixturePaths.Get("sd-tiny", "text_encoder")),
            AutoencoderKL.FromPretrained(FixturePaths.Get("sd-tiny", "vae")),
            UNet2DConditionModel.FromPretrained(FixturePaths.Get("sd-tiny", "unet")),
            new DdpmScheduler(tiny.Scheduler.Config with { ClassName = null }));

        Assert.Equal(SamplerKind.Ddim, other.FolderSampler);
        Assert.Equal(SamplerKind.Ddim, other.ResolveSampler(SamplerKind.FolderDefault));
    }

    /// <summary>The guided loop written from the UNet and a fresh <see cref="PndmScheduler"/> of the folder's config.</summary>
    private Tensor GuidedPndmLoop(Tensor latents, Tensor conditioning, int steps, double guidanceScale)
    {
        using var scheduler = PndmScheduler.FromPretrained(FixturePaths.Get("sd-tiny", "scheduler"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = latents;
        int n = (int)latents.shape[0];
        foreach (int t in scheduler.SetTimesteps(steps))
        {
            using var timestep = tensor((long)t);
            var both = tiny.Unet.call(cat([x, x], 0), timestep, conditioning);
            var noiseUncond = both.narrow(0, 0, n);
            var noiseText = both.narrow(0, n, n);
            var eps = noiseUncond + (guidanceScale * (noiseText - noiseUncond));
            x = scheduler.Step(eps, t, x);
        }

        return x.MoveToOuterDisposeScope();
    }
}
