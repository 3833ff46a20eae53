using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>A test-only method that trains one existing parameter of the pipeline and freezes everything else.</summary>
/// <remarks>Lets the trainer and evaluator be tested without a real method: <see cref="UnetConvInBias"/> trains the UNet's
/// <c>conv_in.bias</c> (UNet side, the text encoder's output is constant), <see cref="TextFinalNormBias"/> the text
/// encoder's <c>text_model.final_layer_norm.bias</c> (text side).</remarks>
internal sealed class SingleParameterMethod : PersonalizationMethod
{
    public const string TestPlaceholder = "sks";

    private readonly bool _textSide;
    private readonly string _key;
    private Parameter? _parameter;

    private SingleParameterMethod(string name, bool textSide, string key, PersonalizationDefaults defaults)
    {
        Name = name;
        _textSide = textSide;
        _key = key;
        Defaults = defaults;
    }

    public override string Name { get; }

    public override string Placeholder => TestPlaceholder;

    public override PersonalizationDefaults Defaults { get; }

    public override IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters =>
        _parameter is null ? [] : [(_key, _parameter)];

    public override bool TrainsTextConditioning => _textSide;

    public int GradientHookCalls { get; private set; }

    public int StepHookCalls { get; private set; }

    public static PersonalizationDefaults TestDefaults { get; } = new(
        LearningRate: 1e-2,
        BatchSize: 2,
        MaxSteps: 12,
        Dvar: new DvarOptions { Window = 4, Threshold = 0.5 },
        Templates: PromptTemplateSet.Object,
        MaxGradientNorm: 1.0,
        RandomFlip: true);

    public static SingleParameterMethod UnetConvInBias(PersonalizationDefaults? defaults = null) =>
        new("test-conv-in-bias", textSide: false, "unet.conv_in.bias", defaults ?? TestDefaults);

    public static SingleParameterMethod TextFinalNormBias(PersonalizationDefaults? defaults = null) =>
        new("test-text-norm-bias", textSide: true, "text_encoder.text_model.final_layer_norm.bias", defaults ?? TestDefaults);

    /// <summary>Loads the tiny pipeline and attaches a method to it.</summary>
    public static (StableDiffusionPipeline Pipeline, SingleParameterMethod Method) Attached(SingleParameterMethod method)
    {
        var pipeline = StableDiffusionPipeline.FromPretrained(FixturePaths.SdTiny);
        method.Attach(pipeline);
        return (pipeline, method);
    }

    public override void OnGradientsComputed() => GradientHookCalls++;

    public override void OnOptimizerStepped() => StepHookCalls++;

    public override IReadOnlyList<string> SaveArtifacts(string folder)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "test_weights.safetensors");
        SafetensorsFile.Write(path, [new KeyValuePair<string, Tensor>(_key, RequireParameter())], new Dictionary<string, string> { ["format"] = "pt" });
        return [path];
    }

    /// <summary>A copy of the trained parameter's values.</summary>
    public Tensor Snapshot() => RequireParameter().detach().clone();

    protected override void AttachCore(StableDiffusionPipeline pipeline)
    {
        foreach (var parameter in pipeline.Unet.parameters().Concat(pipeline.TextEncoder.parameters()).Concat(pipeline.Vae.parameters()))
        {
            parameter.requires_grad = false;
        }

        var module = _textSide ? (nn.Module)pipeline.TextEncoder : pipeline.Unet;
        string local = _key[(_key.IndexOf('.', StringComparison.Ordinal) + 1)..];
        _parameter = module.named_parameters().Single(p => p.name == local).parameter;
        _parameter.requires_grad = true;
    }

    private Parameter RequireParameter() => _parameter ?? throw new InvalidOperationException("Not attached.");
}
