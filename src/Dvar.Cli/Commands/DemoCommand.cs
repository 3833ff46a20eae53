using System.CommandLine;
using Dvar.Cli.Demo;
using Dvar.Cli.Training;
using Dvar.Demo.Training;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar demo [--method M ...] [--concepts K] [--budget S] [--out DIR]</c>: the paper's result end to end on the
/// toy pipeline that ships with the tool. Torch-free: the action hands a <see cref="DemoRequest"/> to <see cref="DemoRunner"/>.</summary>
internal sealed class DemoCommand : Command
{
    private static readonly Dictionary<string, TrainMethod[]> MethodChoices = new(StringComparer.Ordinal)
    {
        ["default"] = [TrainMethod.TextualInversion, TrainMethod.CustomDiffusion],
        ["all"] = [TrainMethod.TextualInversion, TrainMethod.DreamBoothLora, TrainMethod.CustomDiffusion],
        ["textual-inversion"] = [TrainMethod.TextualInversion],
        ["dreambooth-lora"] = [TrainMethod.DreamBoothLora],
        ["custom-diffusion"] = [TrainMethod.CustomDiffusion],
    };

    private readonly CliSession _session;
    private readonly Option<TrainMethod[]> _method = CliOptions.Choice("--method", "The methods to run: default (textual-inversion and custom-diffusion, the subset that fits 5 minutes on 2 cores), all (adds dreambooth-lora, about 7 minutes), or one method.", MethodChoices);
    private readonly Option<int?> _concepts = CliOptions.Number<int>("--concepts", "How many held-out concepts, 1 to 3 (default 2).");
    private readonly Option<int?> _budget = CliOptions.Number<int>("--budget", $"The step budget of every run (default {DemoTraining.Budget}; smaller for a quick look).");
    private readonly Option<string?> _out = CliOptions.Text("--out", "DIR", "The output folder: summary.md, summary.json, figures, samples, runs (default demo-out).");
    private readonly Option<int?> _workers = CliOptions.Number<int>("--workers", "Jobs run side by side, each on its own cores (default 2, or 1 on a one-core machine).");
    private readonly Option<long?> _seed = CliOptions.Number<long>("--seed", "The training seed of every run (default 0).");
    private readonly Option<string?> _assets = new("--assets") { Description = "The folder of the toy pipeline and metric model (default: the ones shipped with the tool).", HelpName = "DIR", Hidden = true };
    private readonly Option<bool> _overwrite = new("--overwrite") { Description = "Replace an earlier demo in --out (without it, such a folder is refused); its files are replaced as the new demo writes them." };
    private readonly Option<Output.OutputFormat> _format = CliOptions.Format("text: progress, the table and the checks (default); json: the summary as one JSON object.");

    /// <summary>Creates the command.</summary>
    /// <param name="session">Progress display mode and cancellation.</param>
    public DemoCommand(CliSession session)
        : base("demo", "Reproduce the paper's result on a tiny text-to-image model that ships with the tool: held-out concepts learned by Textual Inversion and Custom Diffusion (--method all adds DreamBooth-LoRA), each stopped by the fixed budget, by a CLIP-s analogue and by DVAR. About 4 minutes on 2 CPU cores; no download.")
    {
        _session = session;
        foreach (var option in new Option[] { _method, _concepts, _budget, _out, _workers, _seed, _assets, _overwrite, _format })
        {
            Options.Add(option);
        }

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var methods = parse.GetResult(_method) is null ? MethodChoices["default"] : parse.GetValue(_method)!;
        var request = new DemoRequest
        {
            Methods = methods,
            Concepts = parse.GetValue(_concepts) ?? 2,
            Budget = parse.GetValue(_budget),
            Output = parse.GetValue(_out) ?? "demo-out",
            Workers = parse.GetValue(_workers) ?? Math.Min(2, Environment.ProcessorCount),
            Seed = parse.GetValue(_seed) ?? 0,
            Assets = parse.GetValue(_assets),
            Overwrite = parse.GetValue(_overwrite),
            Format = parse.GetValue(_format),
        };
        var configuration = parse.InvocationConfiguration;
        return DemoRunner.Run(request, configuration.Output, configuration.Error, _session);
    }
}
