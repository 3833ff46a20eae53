using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dvar.Demo.Metric;
using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>Writes the work folder's models as the shipped assets: a diffusers pipeline folder (float16 weights) and the
/// metric folder, then loads the pipeline back with the library's <see cref="StableDiffusionPipeline.FromPretrained"/> and
/// checks that it generates what the work folder's models generate.</summary>
internal static class ToyPipelineExporter
{
    /// <summary>The pipeline folder's name under the assets folder.</summary>
    public const string PipelineFolder = "toy-pipeline";

    /// <summary>The metric folder's name under the assets folder.</summary>
    public const string MetricFolder = "toy-metric";

    /// <summary>Exports and checks.</summary>
    /// <param name="work">The work folder.</param>
    /// <param name="assets">The assets folder (its two subfolders are replaced).</param>
    public static void Run(string work, string assets)
    {
        var log = new StageLog("export");
        string pipelineFolder = Path.Combine(assets, PipelineFolder);
        string metricFolder = Path.Combine(assets, MetricFolder);
        foreach (var folder in new[] { pipelineFolder, metricFolder })
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
        }

        using (var pipeline = DiffusionStage.LoadPipeline(work))
        {
            WriteComponent(pipelineFolder, "unet", "diffusion_pytorch_model.safetensors", "UNet2DConditionModel", pipeline.Unet.Config, pipeline.Unet);
            WriteComponent(pipelineFolder, "vae", "diffusion_pytorch_model.safetensors", "AutoencoderKL", pipeline.Vae.Config, pipeline.Vae);
            WriteComponent(pipelineFolder, "text_encoder", "model.safetensors", "CLIPTextModel", pipeline.TextEncoder.Config, pipeline.TextEncoder);
            CopyFolder(Path.Combine(work, DiffusionStage.TokenizerFolder), Path.Combine(pipelineFolder, "tokenizer"));
            Directory.CreateDirectory(Path.Combine(pipelineFolder, "scheduler"));
            File.WriteAllText(Path.Combine(pipelineFolder, "scheduler", "scheduler_config.json"), ConfigJson("DDIMScheduler", ToyModelConfigs.Scheduler with { ClassName = null }));
            File.WriteAllText(Path.Combine(pipelineFolder, "model_index.json"), ModelIndex());
        }

        using (var metric = MetricStage.Load(work))
        {
            SafetensorsFile.Write(Path.Combine(metricFolder, ToyMetric.WeightsFile), Half(metric.state_dict()), new Dictionary<string, string> { ["format"] = "pt" });
        }

        WriteManifest(assets, work);
        Check(work, pipelineFolder, metricFolder, log);
    }

    private static void WriteComponent<TConfig>(string root, string name, string file, string className, TConfig config, nn.Module module)
    {
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson(className, config));
        SafetensorsFile.Write(Path.Combine(folder, file), Half(module.state_dict()), new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static Dictionary<string, Tensor> Half(Dictionary<string, Tensor> state) =>
        state.ToDictionary(p => p.Key, p => p.Value.detach().to_type(ScalarType.Float16), StringComparer.Ordinal);

    private static string ConfigJson<TConfig>(string className, TConfig config)
    {
        var node = JsonSerializer.SerializeToNode(config)!.AsObject();
        var ordered = new JsonObject { ["_class_name"] = className, ["_toy_pipeline"] = "dvar-toy (tools/Dvar.Toy)" };
        foreach (var (key, value) in node.ToList())
        {
            if (key != "_class_name" && value is not null)
            {
                node.Remove(key);
                ordered[key] = value;
            }
        }

        return ordered.ToJsonString(Json.Indented);
    }

    private static string ModelIndex() => new JsonObject
    {
        ["_class_name"] = "StableDiffusionPipeline",
        ["_toy_pipeline"] = "dvar-toy (tools/Dvar.Toy)",
        ["feature_extractor"] = new JsonArray(null, null),
        ["requires_safety_checker"] = false,
        ["safety_checker"] = new JsonArray(null, null),
        ["scheduler"] = new JsonArray("diffusers", "DDIMScheduler"),
        ["text_encoder"] = new JsonArray("transformers", "CLIPTextModel"),
        ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
        ["unet"] = new JsonArray("diffusers", "UNet2DConditionModel"),
        ["vae"] = new JsonArray("diffusers", "AutoencoderKL"),
    }.ToJsonString(Json.Indented);

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static void WriteManifest(string assets, string work)
    {
        var files = new JsonObject();
        foreach (var file in Directory.GetFiles(assets, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith("MANIFEST.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            files[Path.GetRelativePath(assets, file).Replace('\\', '/')] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        }

        var records = new JsonObject();
        foreach (var record in new[] { VaeStage.ScaleFile, DiffusionStage.RecordFile, MetricStage.RecordFile })
        {
            string path = Path.Combine(work, record);
            if (File.Exists(path))
            {
                records[record] = JsonNode.Parse(File.ReadAllText(path));
            }
        }

        File.WriteAllText(Path.Combine(assets, "MANIFEST.json"), new JsonObject { ["sha256"] = files, ["pretraining"] = records }.ToJsonString(Json.Indented));
    }

    private static void Check(string work, string pipelineFolder, string metricFolder, StageLog log)
    {
        using var scope = NewDisposeScope();
        using var original = DiffusionStage.LoadPipeline(work);
        using var shipped = StableDiffusionPipeline.FromPretrained(pipelineFolder);
        string[] prompts = ["a red square on a white background", "a small blue circle", "the green triangle"];
        var options = new GenerationOptions { Steps = 20, GuidanceScale = 4, Seed = 5, Sampler = SamplerKind.Ddim };
        var a = original.GenerateBatch(prompts, options);
        var b = shipped.GenerateBatch(prompts, options);
        double difference = (a - b).abs().max().item<float>();
        using var metric = ToyMetric.FromPretrained(metricFolder);
        log.Write($"shipped pipeline loads; largest pixel difference to the float32 work models: {difference:F4} (float16 rounding)");
        if (difference > 0.1)
        {
            throw new InvalidOperationException($"The exported pipeline generates differently from the work models (largest pixel difference {difference}).");
        }
    }
}
