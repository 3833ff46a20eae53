using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.Personalization.Training;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Microsoft.Extensions.Logging;
using PersonalizeFolder;

// Textual Inversion on a diffusers Stable Diffusion v1.x folder, stopped by DVAR, then one image with the learned token.
// Usage: PersonalizeFolder MODEL_DIR IMAGES_DIR TOKEN INIT_TOKEN OUT_DIR [MAX_STEPS]
// INIT_TOKEN is a vocabulary entry, as the paper's authors look it up: ktn (their choice) or toy</w> (the word "toy").
if (args.Length is < 5 or > 6)
{
    Console.Error.WriteLine("usage: PersonalizeFolder MODEL_DIR IMAGES_DIR TOKEN INIT_TOKEN OUT_DIR [MAX_STEPS]");
    return 2;
}

var (modelFolder, imagesFolder, token, initToken, outputFolder) = (args[0], args[1], args[2], args[3], args[4]);
int? maxSteps = args.Length == 6 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : null;
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;        // Stop after the current step; the trainer writes a checkpoint, Resume continues from it.
    cancellation.Cancel();
};

// 1. The pipeline (CPU, float32; pass device: torch.CUDA and dtype: ScalarType.Float16 with a CUDA backend).
using var pipeline = StableDiffusionPipeline.FromPretrained(modelFolder);

// 2. The method, under the authors' recipe (the dynamics DVAR's preset was tuned on): a new token whose embedding starts from
//    the initializer's; everything else stays frozen.
using var method = new TextualInversion(new TextualInversionOptions { Token = token, InitializerToken = initToken });
method.Attach(pipeline);

// 3. The concept: the folder's images at the model's resolution, prepared as the recipe does (the authors centre-crop),
//    captioned with the recipe's templates (the authors' 57).
var images = ConceptImages.Load(imagesFolder, method.Defaults.ImageOptions(pipeline.DefaultImageSize));
using var data = new ConceptData(images, method.Defaults.Templates, method.Placeholder);

// 4. Train: the paper's setup (batch 2, lr 1e-2, cap 6100) with DVAR (N = 310, α = 0.15) on L_det every step.
var trainer = new PersonalizationTrainer(
    new PersonalizationTrainerOptions { Method = method, Data = data, OutputFolder = outputFolder, MaxSteps = maxSteps },
    loggerFactory.CreateLogger<PersonalizationTrainer>(),
    new ConsoleProgress(every: 10));
var result = trainer.Train(cancellation.Token);

Console.WriteLine($"stopped after {result.StepsTrained} steps: {result.StopReason} ({result.CriterionName} statistic {result.Statistic:G4}, threshold {result.Threshold})");
Console.WriteLine($"training {result.TrainingTime.TotalSeconds:F1} s, evaluation {result.EvaluationTime.TotalSeconds:F1} s");
foreach (string path in result.ArtifactPaths)
{
    Console.WriteLine($"artifact: {Path.GetFullPath(path)}");
}

Console.WriteLine($"history: {result.HistoryCsvPath}");

// 5. One image with the learned token. The trained pipeline knows it already; in a later program, load a fresh pipeline and
//    call TextualInversion.LoadEmbeddings(pipeline, "learned_embeds.safetensors") first.
string prompt = $"a photo of {method.Placeholder}";
var image = pipeline.Generate(prompt, new GenerationOptions { Steps = 25, Seed = 0 }, cancellationToken: cancellation.Token)[0];
string imagePath = Path.GetFullPath(Path.Combine(outputFolder, "sample.png"));
image.SavePng(imagePath);
Console.WriteLine($"\"{prompt}\": {imagePath} ({image.Width}x{image.Height})");
return 0;
