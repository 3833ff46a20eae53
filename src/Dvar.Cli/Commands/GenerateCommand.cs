using System.CommandLine;
using Dvar.Cli.Generation;
using Dvar.Cli.Output;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar generate --model DIR --prompt TEXT --out FILE.png [artifacts] [sampling options]</c>: text-to-image
/// with learned artifacts applied. Torch-free: the action hands a <see cref="GenerateRequest"/> to <see cref="GenerateRunner"/>.</summary>
internal sealed class GenerateCommand : Command
{
    private readonly CliSession _session;
    private readonly ModelOptionSet _model = new();
    private readonly Option<string?> _prompt = CliOptions.Text("--prompt", "TEXT", "The prompt; learned tokens are plain text, e.g. \"a photo of <cat-toy>\".", required: true);
    private readonly Option<string?> _out = CliOptions.Text("--out", "FILE.png", "The PNG to write (with --count n > 1: FILE-1.png ... FILE-n.png). Its folder is created; an existing image needs --overwrite.", required: true);
    private readonly Option<string?> _embeddings = CliOptions.Text("--embeddings", "FILE", "A learned token embedding (learned_embeds.safetensors) to load first.");
    private readonly Option<string?> _lora = CliOptions.Text("--lora", "FILE", "A UNet LoRA file (pytorch_lora_weights.safetensors) to apply.");
    private readonly Option<double?> _loraScale = CliOptions.Number<double>("--lora-scale", "The LoRA update's factor (default 1).");
    private readonly Option<string?> _customDiffusion = CliOptions.Text("--custom-diffusion", "DIR", "A Custom Diffusion output folder (weights and <token>.safetensors).");
    private readonly Option<SchedulerChoice> _scheduler = CliOptions.Choice(
        "--scheduler",
        "The sampler: folder (default) uses the scheduler the model's scheduler/scheduler_config.json names (PNDM for SD1.5; DDIM for a DDIMScheduler folder; other schedulers are refused), ddim samples with DDIM (eta 0), pndm with PNDM's PLMS steps.",
        new Dictionary<string, SchedulerChoice> { ["folder"] = SchedulerChoice.Folder, ["ddim"] = SchedulerChoice.Ddim, ["pndm"] = SchedulerChoice.Pndm });

    private readonly Option<int?> _steps = CliOptions.Number<int>("--steps", "Denoising steps (default 50; PNDM evaluates the UNet once more).");
    private readonly Option<double?> _guidance = CliOptions.Number<double>("--guidance", "Classifier-free guidance scale (default 7.5; 1 or less: none).");
    private readonly Option<long?> _seed = CliOptions.Number<long>("--seed", "The seed of the initial latents (default 0).");
    private readonly Option<string?> _negativePrompt = CliOptions.Text("--negative-prompt", "TEXT", "The negative prompt (default empty).");
    private readonly Option<int?> _width = CliOptions.Number<int>("--width", "Image width in pixels, a multiple of 64 for SD1.5 (default: the model's, 512).");
    private readonly Option<int?> _height = CliOptions.Number<int>("--height", "Image height in pixels (default: the model's).");
    private readonly Option<int?> _count = CliOptions.Number<int>("--count", "Images to generate in one batch (default 1).");
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Replace existing images (without it, an existing --out is refused)." };
    private readonly Option<OutputFormat> _format = CliOptions.Format("text: one path per line (default); json: one JSON object.");

    /// <summary>Creates the command.</summary>
    /// <param name="session">Progress display mode and cancellation.</param>
    public GenerateCommand(CliSession session)
        : base("generate", "Generate images from a Stable Diffusion folder, with learned embeddings, LoRA or Custom Diffusion weights applied.")
    {
        _session = session;
        _model.AddTo(this);
        foreach (var option in new Option[] { _prompt, _out, _embeddings, _lora, _loraScale, _customDiffusion, _scheduler, _steps, _guidance, _seed, _negativePrompt, _width, _height, _count, _overwrite, _format })
        {
            Options.Add(option);
        }

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var request = new GenerateRequest
        {
            Model = _model.Read(parse),
            Prompt = parse.GetValue(_prompt)!,
            Output = parse.GetValue(_out)!,
            Embeddings = parse.GetValue(_embeddings),
            Lora = parse.GetValue(_lora),
            LoraScale = parse.GetValue(_loraScale),
            CustomDiffusion = parse.GetValue(_customDiffusion),
            Scheduler = parse.GetValue(_scheduler),
            Steps = parse.GetValue(_steps),
            Guidance = parse.GetValue(_guidance),
            Seed = parse.GetValue(_seed),
            NegativePrompt = parse.GetValue(_negativePrompt),
            Width = parse.GetValue(_width),
            Height = parse.GetValue(_height),
            Count = parse.GetValue(_count),
            Overwrite = parse.GetValue(_overwrite),
            Format = parse.GetValue(_format),
        };
        var configuration = parse.InvocationConfiguration;
        return GenerateRunner.Run(request, configuration.Output, configuration.Error, _session);
    }
}
