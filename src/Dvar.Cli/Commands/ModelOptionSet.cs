using System.CommandLine;
using System.Text.RegularExpressions;
using Dvar.Cli.Models;

namespace Dvar.Cli.Commands;

/// <summary>The model options shared by <c>dvar train</c> and <c>dvar generate</c>: <c>--model</c>, <c>--device</c>,
/// <c>--dtype</c>, <c>--variant</c>, <c>--threads</c>.</summary>
internal sealed partial class ModelOptionSet
{
    private readonly Option<string?> _model = CliOptions.Text(
        "--model", "DIR", "A diffusers Stable Diffusion v1.x folder (model_index.json, tokenizer/, text_encoder/, vae/, unet/, scheduler/).", required: true);

    private readonly Option<string> _device = new("--device")
    {
        Description = "cpu (default), cuda or cuda:N. This dvar ships the CPU backend of libtorch; see docs/cli.md for CUDA.",
        HelpName = "cpu|cuda|cuda:N",
        DefaultValueFactory = _ => "cpu",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (DevicePattern().IsMatch(text))
            {
                return text;
            }

            result.AddError($"--device must be cpu, cuda or cuda:N; got '{text}'.");
            return string.Empty;
        },
    };

    private readonly Option<ModelDtype> _dtype = CliOptions.Choice(
        "--dtype",
        "The floating type of the model weights: float32 (default), float16 or bfloat16. Trained parameters stay float32.",
        // Unset gives default(ModelDtype), Float32.
        new Dictionary<string, ModelDtype> { ["float32"] = ModelDtype.Float32, ["float16"] = ModelDtype.Float16, ["bfloat16"] = ModelDtype.BFloat16 });

    private readonly Option<string?> _variant = CliOptions.Text(
        "--variant", "NAME", "Load the weights variant NAME (e.g. fp16: diffusion_pytorch_model.fp16.safetensors).");

    private readonly Option<int?> _threads = CliOptions.Number<int>("--threads", "libtorch's CPU threads (default: one per core).");

    /// <summary>Adds every option to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        command.Options.Add(_model);
        command.Options.Add(_device);
        command.Options.Add(_dtype);
        command.Options.Add(_variant);
        command.Options.Add(_threads);
    }

    /// <summary>Reads the options.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The request.</returns>
    public ModelRequest Read(ParseResult parse) =>
        new(parse.GetValue(_model)!, parse.GetValue(_device)!, parse.GetValue(_dtype), parse.GetValue(_variant), parse.GetValue(_threads));

    [GeneratedRegex("^(cpu|cuda(:[0-9]{1,3})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex DevicePattern();
}
