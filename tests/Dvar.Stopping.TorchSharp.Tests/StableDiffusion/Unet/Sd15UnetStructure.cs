using Dvar.Stopping.TorchSharp.StableDiffusion;
using Dvar.Stopping.TorchSharp.StableDiffusion.Unet;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;

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
        (ExpectedKeys, _, ExpectedParameters) = StructureKeys.Read("unet");
    }

    public UNet2DConditionModelConfig Config { get; }

    public UNet2DConditionModel Model { get; }

    /// <summary>diffusers' <c>state_dict()</c> keys and shapes, in order.</summary>
    public IReadOnlyList<(string Key, long[] Shape)> ExpectedKeys { get; }

    public long ExpectedParameters { get; }

    public void Dispose() => Model.Dispose();
}
