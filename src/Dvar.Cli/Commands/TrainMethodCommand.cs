using System.CommandLine;
using Dvar.Cli.Output;
using Dvar.Cli.Training;

namespace Dvar.Cli.Commands;

/// <summary>One subcommand of <c>dvar train</c>: the options common to every method plus the method's own. Torch-free:
/// the action hands a <see cref="TrainRequest"/> to <see cref="TrainRunner"/>, which alone touches TorchSharp.</summary>
internal sealed class TrainMethodCommand : Command
{
    private readonly TrainMethod _method;
    private readonly CliSession _session;
    private readonly ModelOptionSet _model = new();
    private readonly CriterionOptionSet _criterion = new(required: false, ("the method's preset", "the method's preset"), sampling: true);
    private readonly Option<string?> _images = CliOptions.Text("--images", "DIR", "The concept's images (.jpg, .jpeg, .png, .webp; 3-5 photos are typical).", required: true);
    private readonly Option<string?> _token = CliOptions.Text("--token", "TOKEN", "The new token that names the concept in prompts, e.g. \"<cat-toy>\".", required: true);
    private readonly Option<string?> _initToken;
    private readonly Option<string?> _out = CliOptions.Text("--out", "DIR", "The output folder: artifacts, history.csv, training-summary.json, checkpoints/. Owned by this run while it runs; one that holds an earlier run needs --resume or --overwrite.", required: true);
    private readonly Option<int?> _maxSteps = CliOptions.Number<int>("--max-steps", "The step cap (default: the method's, 6100 / 1000 / 500).");
    private readonly Option<double?> _learningRate = CliOptions.Number<double>("--learning-rate", "The AdamW learning rate (default: the method's).");
    private readonly Option<int?> _batchSize = CliOptions.Number<int>("--batch-size", "Instance images per training batch (default 2, at most 1024).");
    private readonly Option<double?> _maxGradNorm = CliOptions.Number<double>("--max-grad-norm", "Gradient clipping norm; 'Infinity' for none (default: the method's, none for TI, 1 otherwise).");
    private readonly Option<long?> _seed = CliOptions.Number<long>("--seed", "The training generator's seed (default 0).");
    private readonly Option<long?> _evalSeed = CliOptions.Number<long>("--eval-seed", "The evaluator's seed, which fixes the evaluation batch (default 1).");
    private readonly Option<int?> _evalBatchSize = CliOptions.Number<int>("--eval-batch-size", "Items in the deterministic evaluation batch (default 8, the paper).");
    private readonly Option<int?> _evalEvery = CliOptions.Number<int>("--eval-every", "Evaluate L_det and ask the criterion every F steps; 0 never (a plain fixed-budget run). Default 1.");
    private readonly Option<string?> _classImages = CliOptions.Text("--class-images", "DIR", "Class images for prior preservation (needs --class-prompt).");
    private readonly Option<string?> _classPrompt = CliOptions.Text("--class-prompt", "TEXT", "The caption of every class image, e.g. \"a photo of a dog\".");
    private readonly Option<string?> _templates = CliOptions.Text("--templates", "object|style|TEMPLATE", "Caption templates: object (27), style (19), or one template with {} for the token.");
    private readonly Option<int?> _resolution = CliOptions.Number<int>("--resolution", "The side of the square training images (default: the model's, 512 for SD1.5).");
    private readonly Option<bool> _centerCrop = new("--center-crop") { Description = "Cut the centred square out of each image before resizing (default: squash to a square)." };
    private readonly Option<int?> _checkpointEvery = CliOptions.Number<int>("--checkpoint-every", "Write a checkpoint every K steps (default 0: only on Ctrl+C).");
    private readonly Option<ResumeMode> _resume = ResumeOption.Create();
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Train afresh into an --out that holds an earlier run; its files are replaced as the new run writes them (without it, such a folder is refused)." };
    private readonly Option<int?> _progressEvery = CliOptions.Number<int>("--progress-every", "When standard error is not a terminal, print progress every N steps (default 10).");
    private readonly Option<string?> _clip = CliOptions.Text("--clip", "DIR", "A Hugging Face CLIP folder: score samples every --score-every steps (scores.csv, history.png); needed by --criterion clip-s.");
    private readonly Option<int?> _scoreEvery = CliOptions.Number<int>("--score-every", "With --clip: sample and score every F steps (default 50, the authors' CLIP-s frequency).");
    private readonly Option<int?> _scoreSteps = CliOptions.Number<int>("--score-steps", "With --clip: denoising steps of each sample (default: the authors', 50; 200 for DreamBooth-LoRA).");
    private readonly Option<string?> _scorePrompts = CliOptions.Text("--score-prompts", "FILE", "With --clip: validation prompts (one per line, {} for the token) to score too (default: training prompts only).");
    private readonly Option<OutputFormat> _format = CliOptions.Format("text: progress and a summary (default); json: the summary as one JSON object on standard output.");
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Log at Information level (default Warning) to standard error." };
    private readonly Option<int?> _vectors = CliOptions.Number<int>("--vectors", "Textual Inversion: vectors of the token, 1 to 75 (default 1).");
    private readonly Option<int?> _rank = CliOptions.Number<int>("--rank", "LoRA rank r (default 4).");
    private readonly Option<double?> _alpha = CliOptions.Number<double>("--alpha", "LoRA alpha; updates are scaled by alpha / r (default r: scale 1).");
    private readonly Option<bool> _noFeedForward = new("--no-train-feed-forward") { Description = "LoRA on the attention projections only (diffusers' example); default adds ff.net.0.proj (the paper's authors)." };
    private readonly Option<bool> _noTrainToken = new("--no-train-token") { Description = "Do not learn a token: --token is an existing rare word such as sks (diffusers' example)." };
    private readonly Option<double?> _priorLossWeight = CliOptions.Number<double>("--prior-loss-weight", "Weight of the class-image loss with --class-images (default 1).");

    /// <summary>Creates the subcommand for one method.</summary>
    /// <param name="method">The method.</param>
    /// <param name="session">Progress display mode and cancellation.</param>
    public TrainMethodCommand(TrainMethod method, CliSession session)
        : base(NameOf(method), DescriptionOf(method))
    {
        _method = method;
        _session = session;
        _initToken = CliOptions.Text(
            "--init-token",
            "WORD",
            method switch
            {
                TrainMethod.TextualInversion => "The word whose embedding initialises the token, e.g. toy (one token of the tokenizer).",
                TrainMethod.DreamBoothLora => "The word whose embedding initialises the token, e.g. dog (needed unless --no-train-token).",
                _ => "The vocabulary entry whose embedding initialises the modifier token (default ktn, the authors').",
            },
            required: method == TrainMethod.TextualInversion);
        _model.AddTo(this);
        foreach (var option in new Option[] { _images, _token, _initToken, _out, _maxSteps, _learningRate, _batchSize, _maxGradNorm, _seed, _evalSeed, _evalBatchSize, _evalEvery })
        {
            Options.Add(option);
        }

        _criterion.AddTo(this);
        foreach (var option in new Option[] { _classImages, _classPrompt, _templates, _resolution, _centerCrop, _checkpointEvery, _resume, _overwrite, _clip, _scoreEvery, _scoreSteps, _scorePrompts, _progressEvery, _format, _verbose })
        {
            Options.Add(option);
        }

        foreach (var option in MethodOptions(method))
        {
            Options.Add(option);
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
        TrainMethod.TextualInversion => "Textual Inversion: learn a new token's embedding (defaults: batch 2, lr 1e-2, cap 6100, DVAR N=310 α=0.15).",
        TrainMethod.DreamBoothLora => "DreamBooth-LoRA: rank-4 LoRA on the UNet and a new token (defaults: batch 2, lr 1e-3, cap 1000, DVAR N=440 α=0.4).",
        _ => "Custom Diffusion: cross-attention keys/values and a modifier token (defaults: batch 2, lr 2e-5, cap 500, DVAR N=180 α=0.15).",
    };

    private IEnumerable<Option> MethodOptions(TrainMethod method) => method switch
    {
        TrainMethod.TextualInversion => [_vectors],
        TrainMethod.DreamBoothLora => [_rank, _alpha, _noFeedForward, _noTrainToken, _priorLossWeight],
        _ => [_priorLossWeight],
    };

    private int Run(ParseResult parse)
    {
        var request = new TrainRequest
        {
            Method = _method,
            Model = _model.Read(parse),
            Images = parse.GetValue(_images)!,
            Token = parse.GetValue(_token)!,
            InitToken = parse.GetValue(_initToken),
            Output = parse.GetValue(_out)!,
            MaxSteps = parse.GetValue(_maxSteps),
            LearningRate = parse.GetValue(_learningRate),
            BatchSize = parse.GetValue(_batchSize),
            MaxGradientNorm = parse.GetValue(_maxGradNorm),
            Seed = parse.GetValue(_seed),
            EvaluationSeed = parse.GetValue(_evalSeed),
            EvaluationBatchSize = parse.GetValue(_evalBatchSize),
            EvaluationFrequency = parse.GetValue(_evalEvery),
            Criterion = _criterion.Kind(parse),
            CriterionParameters = _criterion.Parameters(parse),
            ClassImages = parse.GetValue(_classImages),
            ClassPrompt = parse.GetValue(_classPrompt),
            Templates = parse.GetValue(_templates),
            Resolution = parse.GetValue(_resolution),
            CenterCrop = parse.GetValue(_centerCrop),
            CheckpointEvery = parse.GetValue(_checkpointEvery),
            Resume = ResumeOption.Read(parse, _resume) == ResumeMode.Checkpoint,
            ResumeAuto = ResumeOption.Read(parse, _resume) == ResumeMode.Auto,
            Overwrite = parse.GetValue(_overwrite),
            Clip = parse.GetValue(_clip),
            ScoreEvery = parse.GetValue(_scoreEvery),
            ScoreSteps = parse.GetValue(_scoreSteps),
            ScorePrompts = parse.GetValue(_scorePrompts),
            ProgressEvery = parse.GetValue(_progressEvery) ?? 10,
            Format = parse.GetValue(_format),
            Verbose = parse.GetValue(_verbose),
            Vectors = parse.GetValue(_vectors),
            Rank = parse.GetValue(_rank),
            Alpha = parse.GetValue(_alpha),
            TrainFeedForward = !parse.GetValue(_noFeedForward),
            TrainToken = !parse.GetValue(_noTrainToken),
            PriorLossWeight = parse.GetValue(_priorLossWeight),
        };
        var configuration = parse.InvocationConfiguration;
        return TrainRunner.Run(request, configuration.Output, configuration.Error, _session);
    }
}
