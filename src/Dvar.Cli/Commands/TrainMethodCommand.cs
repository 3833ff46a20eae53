using System.CommandLine;
using System.Globalization;
using Dvar.Cli.Training;
using Dvar.Stopping.Criteria;
using Dvar.Stopping.TorchSharp.Personalization.Methods;

namespace Dvar.Cli.Commands;

/// <summary>One subcommand of <c>dvar train</c>: the options common to every method plus the method's own. Torch-free:
/// the action hands a <see cref="TrainRequest"/> to <see cref="TrainRunner"/>, which alone touches TorchSharp.</summary>
internal sealed class TrainMethodCommand : Command
{
    private readonly TrainMethod _method;
    private readonly CliSession _session;
    private readonly ModelOptionSet _model = new();
    private readonly CriterionOptionSet _criterion = new(required: false, ("the method's preset", "the method's preset"), sampling: true);
    private readonly TrainOptionGroups _options;

    /// <summary>Creates the subcommand for one method.</summary>
    /// <param name="method">The method.</param>
    /// <param name="session">Progress display mode and cancellation.</param>
    public TrainMethodCommand(TrainMethod method, CliSession session)
        : base(NameOf(method), DescriptionOf(method))
    {
        _method = method;
        _session = session;
        _options = TrainRequest.Bindings(method);
        _model.AddTo(this);
        foreach (var binding in _options.Leading)
        {
            Options.Add(binding.Option);
        }

        _criterion.AddTo(this);
        foreach (var binding in _options.Trailing.Concat(_options.Method))
        {
            Options.Add(binding.Option);
        }

        SetAction(Run);
    }

    /// <summary>The subcommand's name.</summary>
    /// <param name="method">The method.</param>
    /// <returns><c>textual-inversion</c>, <c>dreambooth-lora</c> or <c>custom-diffusion</c>.</returns>
    public static string NameOf(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => "textual-inversion",
        TrainMethod.DreamBoothLora => "dreambooth-lora",
        TrainMethod.CustomDiffusion => "custom-diffusion",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown method."),
    };

    private static string DescriptionOf(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => Defaults("Textual Inversion: learn a new token's embedding", TextualInversion.DefaultBatchSize, TextualInversion.DefaultLearningRate, TextualInversion.DefaultMaxSteps, DvarOptions.TextualInversion),
        TrainMethod.DreamBoothLora => Defaults($"DreamBooth-LoRA: rank-{DreamBoothLoraOptions.DefaultRank} LoRA on the UNet and a new token", DreamBoothLora.DefaultBatchSize, DreamBoothLora.DefaultLearningRate, DreamBoothLora.DefaultMaxSteps, DvarOptions.DreamBoothLora),
        _ => Defaults("Custom Diffusion: cross-attention keys/values and a modifier token", CustomDiffusion.DefaultBatchSize, CustomDiffusion.DefaultLearningRate, CustomDiffusion.DefaultMaxSteps, DvarOptions.CustomDiffusion),
    };

    private static string Defaults(string what, int batch, double learningRate, int maxSteps, DvarOptions dvar) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} (defaults: batch {batch}, lr {learningRate}, cap {maxSteps}, DVAR N={dvar.Window} α={dvar.Threshold}).");

    private int Run(ParseResult parse)
    {
        // The required options (--images, --token, --out) are set by their bindings; parsing has checked they are given.
        var start = new TrainRequest
        {
            Method = _method,
            Model = _model.Read(parse),
            Images = string.Empty,
            Token = string.Empty,
            Output = string.Empty,
            Criterion = _criterion.Kind(parse),
            CriterionParameters = _criterion.Parameters(parse),
        };
        var request = _options.All.Aggregate(start, (r, binding) => binding.Apply(parse, r));
        var configuration = parse.InvocationConfiguration;
        return TrainRunner.Run(request, configuration.Output, configuration.Error, _session);
    }
}
