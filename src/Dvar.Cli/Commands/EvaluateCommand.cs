using System.CommandLine;
using Dvar.Cli.Evaluation;
using Dvar.Cli.Output;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar evaluate --model DIR --clip DIR (--run DIR... | --artifact PATH --images DIR) [--dino DIR]</c>: the
/// paper's Table 1 scores of learned artifacts. Torch-free: the action hands an <see cref="EvaluateRequest"/> to
/// <see cref="EvaluateRunner"/>.</summary>
internal sealed class EvaluateCommand : Command
{
    private readonly CliSession _session;
    private readonly ModelOptionSet _model = new();
    private readonly Option<string?> _clip = CliOptions.Text("--clip", "DIR", "A Hugging Face CLIP folder (config.json, model.safetensors or pytorch_model.bin, preprocessor_config.json, vocab.json, merges.txt), e.g. openai/clip-vit-base-patch32, the paper's.", required: true);
    private readonly Option<string?> _dino = CliOptions.Text("--dino", "DIR", "A Hugging Face ViT folder such as facebook/dino-vits16 for the DINO image score (default: none).");
    private readonly Option<string[]> _runs = new("--run") { Description = "A dvar train output folder to evaluate; repeat for several runs (one row each, then mean ± std).", HelpName = "DIR", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string?> _artifact = CliOptions.Text("--artifact", "PATH", "Instead of --run: learned_embeds.safetensors, pytorch_lora_weights.safetensors, or a Custom Diffusion folder.");
    private readonly Option<string?> _images = CliOptions.Text("--images", "DIR", "The concept's images the scores compare with (needed with --artifact; a run's own by default).");
    private readonly Option<string?> _token = CliOptions.Text("--token", "TEXT", "The words that name the concept in prompts (default: the run's placeholder or the artifact's token).");
    private readonly Option<string?> _templates = CliOptions.Text("--templates", "object|style|TEMPLATE", "With --artifact: the training prompts' templates (default object; a run uses its own).");
    private readonly Option<string?> _prompts = CliOptions.Text("--prompts", "FILE", "Validation prompts, one per line with {} for the concept (default: three of the authors').");
    private readonly Option<int?> _trainSamples = CliOptions.Number<int>("--train-samples", "Samples from the training prompts (default 8, the authors').");
    private readonly Option<int?> _samplesPerPrompt = CliOptions.Number<int>("--samples-per-prompt", "Samples per validation prompt (default 2, the authors').");
    private readonly Option<int?> _steps = CliOptions.Number<int>("--steps", "Denoising steps (default: the authors', 50; 200 for DreamBooth-LoRA).");
    private readonly Option<double?> _guidance = CliOptions.Number<double>("--guidance", "Guidance scale (default: 7.5 for Textual Inversion, 6 otherwise, the authors').");
    private readonly Option<long?> _seed = CliOptions.Number<long>("--seed", "The sampling seed (default 37, the authors').");
    private readonly Option<int?> _resolution = CliOptions.Number<int>("--resolution", "The side the concept's images are loaded at (default: the model's).");
    private readonly Option<string?> _out = CliOptions.Text("--out", "DIR", "Save every sample as a PNG (named by prompt and index), a grid per run, evaluation.md and evaluation.json here.");
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Write into an --out that holds earlier results." };
    private readonly Option<OutputFormat> _format = CliOptions.Format("text: a Markdown table (default); json: one JSON object.");

    /// <summary>Creates the command.</summary>
    /// <param name="session">Progress display mode and cancellation.</param>
    public EvaluateCommand(CliSession session)
        : base("evaluate", "Score learned artifacts as the paper's Table 1 does: CLIP image and text similarity of samples (and DINO), one row per run with mean ± std.")
    {
        _session = session;
        _model.AddTo(this);
        foreach (var option in new Option[] { _clip, _dino, _runs, _artifact, _images, _token, _templates, _prompts, _trainSamples, _samplesPerPrompt, _steps, _guidance, _seed, _resolution, _out, _overwrite, _format })
        {
            Options.Add(option);
        }

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var request = new EvaluateRequest
        {
            Model = _model.Read(parse),
            Clip = parse.GetValue(_clip)!,
            Dino = parse.GetValue(_dino),
            Runs = parse.GetValue(_runs) ?? [],
            Artifact = parse.GetValue(_artifact),
            Images = parse.GetValue(_images),
            Token = parse.GetValue(_token),
            Templates = parse.GetValue(_templates),
            Prompts = parse.GetValue(_prompts),
            TrainSamples = parse.GetValue(_trainSamples),
            SamplesPerPrompt = parse.GetValue(_samplesPerPrompt),
            Steps = parse.GetValue(_steps),
            Guidance = parse.GetValue(_guidance),
            Seed = parse.GetValue(_seed),
            Resolution = parse.GetValue(_resolution),
            Output = parse.GetValue(_out),
            Overwrite = parse.GetValue(_overwrite),
            Format = parse.GetValue(_format),
        };
        var configuration = parse.InvocationConfiguration;
        return EvaluateRunner.Run(request, configuration.Output, configuration.Error, _session);
    }
}
