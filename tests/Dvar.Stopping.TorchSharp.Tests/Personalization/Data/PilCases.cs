using System.Text.Json.Nodes;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Data;

/// <summary>
/// The reference cases in PilCases/ (written by PilCases/make_cases.py with Pillow): inputs and the uint8 images diffusers'
/// Textual Inversion preprocessing makes of them.
/// </summary>
internal static class PilCases
{
    /// <summary>The PilCases folder beside this file in the source tree.</summary>
    public static string Folder { get; } = Path.Combine(
        FixturePaths.Root, "..", "Dvar.Stopping.TorchSharp.Tests", "Personalization", "Data", "PilCases");

    /// <summary>The cases: input file, resolution, centre crop, expected-result file.</summary>
    public static TheoryData<string, int, bool, string> All()
    {
        var data = new TheoryData<string, int, bool, string>();
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")))!;
        foreach (var item in root["cases"]!.AsArray())
        {
            data.Add(
                item!["input"]!.GetValue<string>(),
                item["resolution"]!.GetValue<int>(),
                item["center_crop"]!.GetValue<bool>(),
                item["expected_hwc_uint8"]!.GetValue<string>());
        }

        return data;
    }
}
