using System.Text.Json;
using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

/// <summary>
/// The full-size SD1.5 UNet built once from the published config (tests/fixtures/sd15-structure/unet/config.json; about
/// 3.4 GB of float32 parameters, not loaded with weights), with the diffusers key list from sd15-structure/keys.json.
/// </summary>
public sealed class Sd15UnetStructure : IDisposable
{
    public Sd15UnetStructure()
    {
        Config = ConfigJson.Read<UNet2DConditionModelConfig>(Path.Combine(FixturePaths.Sd15Structure, "unet", "config.json"));
        Model = new UNet2DConditionModel(Config);
        using var keys = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixturePaths.Sd15Structure, "keys.json")));
        var unet = keys.RootElement.GetProperty("unet");
        ExpectedKeys = unet.GetProperty("keys").EnumerateArray()
            .Select(entry => (entry[0].GetString()!, entry[1].EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();
        ExpectedTensors = unet.GetProperty("num_tensors").GetInt32();
        ExpectedParameters = unet.GetProperty("num_parameters").GetInt64();
    }

    public UNet2DConditionModelConfig Config { get; }

    public UNet2DConditionModel Model { get; }

    /// <summary>diffusers' <c>state_dict()</c> keys and shapes, in order.</summary>
    public List<(string Key, long[] Shape)> ExpectedKeys { get; }

    public int ExpectedTensors { get; }

    public long ExpectedParameters { get; }

    public void Dispose() => Model.Dispose();
}
