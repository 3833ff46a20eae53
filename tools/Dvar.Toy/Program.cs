using System.CommandLine;
using Dvar.Toy.Pretraining;
using static TorchSharp.torch;

namespace Dvar.Toy;

/// <summary>Entry point of <c>dvar-toy</c>, the tool that pretrains and exports the model <c>dvar demo</c> ships with.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var work = new Option<string>("--work") { Description = "The work folder of the stages (created).", Required = true };
        var stages = new Option<string>("--stages") { Description = "Comma-separated stages to run: vae, metric, diffusion.", DefaultValueFactory = _ => "vae,metric,diffusion" };
        var vaeSteps = new Option<int>("--vae-steps") { DefaultValueFactory = _ => 2000 };
        var metricSteps = new Option<int>("--metric-steps") { DefaultValueFactory = _ => 4000 };
        var diffusionSteps = new Option<int>("--diffusion-steps") { DefaultValueFactory = _ => 8000 };
        var evalEvery = new Option<int>("--eval-every") { DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads.", DefaultValueFactory = _ => 2 };
        var continuing = new Option<bool>("--continue") { Description = "diffusion: start from the saved weights instead of a fresh initialisation." };
        var learningRate = new Option<double>("--learning-rate") { Description = "diffusion: the peak learning rate.", DefaultValueFactory = _ => 1e-3 };
        var pretrain = new Command("pretrain", "Train the VAE, the metric model, then the UNet and text encoder.")
        {
            work, stages, vaeSteps, metricSteps, diffusionSteps, evalEvery, seed, threads, continuing, learningRate,
        };
        pretrain.SetAction(parse =>
        {
            set_num_threads(parse.GetValue(threads));
            string folder = parse.GetValue(work)!;
            Directory.CreateDirectory(folder);
            var selected = parse.GetValue(stages)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var stage in selected)
            {
                switch (stage)
                {
                    case "vae":
                        VaeStage.Run(folder, parse.GetValue(vaeSteps), parse.GetValue(seed));
                        break;
                    case "metric":
                        MetricStage.Run(folder, parse.GetValue(metricSteps), parse.GetValue(seed));
                        break;
                    case "diffusion":
                        DiffusionStage.Run(folder, parse.GetValue(diffusionSteps), parse.GetValue(evalEvery), parse.GetValue(seed), parse.GetValue(continuing), parse.GetValue(learningRate));
                        break;
                    default:
                        Console.Error.WriteLine($"dvar-toy pretrain: unknown stage '{stage}'; expected vae, metric or diffusion.");
                        return 2;
                }
            }

            return 0;
        });

        var assets = new Option<string>("--assets") { Description = "The assets folder to write toy-pipeline/ and toy-metric/ into.", DefaultValueFactory = _ => "src/Dvar.Demo/Assets" };
        var exportWork = new Option<string>("--work") { Description = "The work folder of a finished pretraining.", Required = true };
        var export = new Command("export", "Write the pretrained models as the shipped assets (float16) and check that the library loads them.") { exportWork, assets };
        export.SetAction(parse =>
        {
            set_num_threads(2);
            ToyPipelineExporter.Run(parse.GetValue(exportWork)!, parse.GetValue(assets)!);
            return 0;
        });

        var root = new RootCommand("dvar-toy: pretrain and export the toy pipeline of `dvar demo`.") { pretrain, export };
        return root.Parse(args).Invoke();
    }
}
