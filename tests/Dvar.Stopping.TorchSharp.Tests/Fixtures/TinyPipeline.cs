using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Fixtures;

/// <summary>Fresh tiny pipelines (tests/fixtures/sd-tiny) and the text encoder's output for prompts.</summary>
internal static class TinyPipeline
{
    public static StableDiffusionPipeline Load(ScalarType dtype = ScalarType.Float32) => StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny, dtype: dtype);

    /// <summary>The text encoder's last hidden state for prompts, without gradients.</summary>
    public static Tensor Encode(StableDiffusionPipeline pipeline, params string[] prompts)
    {
        using var noGrad = no_grad();
        using var ids = pipeline.Tokenizer.EncodeToTensor(prompts, pipeline.Device);
        return pipeline.TextEncoder.forward(ids);
    }

    /// <summary>Every parameter of the three models that requires a gradient, by <c>component.name</c>.</summary>
    public static IReadOnlyList<string> ParametersRequiringGrad(StableDiffusionPipeline pipeline) =>
    [
        .. pipeline.TextEncoder.named_parameters().Where(p => p.parameter.requires_grad).Select(p => "text_encoder." + p.name),
        .. pipeline.Vae.named_parameters().Where(p => p.parameter.requires_grad).Select(p => "vae." + p.name),
        .. pipeline.Unet.named_parameters().Where(p => p.parameter.requires_grad).Select(p => "unet." + p.name),
    ];
}
