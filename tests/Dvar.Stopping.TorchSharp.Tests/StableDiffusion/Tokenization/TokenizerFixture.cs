using System.Text.Json;
using Dvar.Stopping.TorchSharp.StableDiffusion.Tokenization;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>The <c>sd-tiny/tokenizer</c> fixture: its folder, its reference cases and a shared tokenizer loaded from it.</summary>
internal static class TokenizerFixture
{
    private static readonly Lazy<JsonDocument> CasesDocument = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json"))));

    private static readonly Lazy<ClipTokenizer> SharedTokenizer = new(() => ClipTokenizer.FromPretrained(Folder));

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Folder => Path.Combine(FixturePaths.SdTiny, "tokenizer");

    /// <summary>Gets a tokenizer loaded from the fixture folder. Tests must not add tokens to it: load a fresh one.</summary>
    public static ClipTokenizer Tokenizer => SharedTokenizer.Value;

    public static JsonElement Root => CasesDocument.Value.RootElement;

    public static IReadOnlyList<TokenizerCase> Cases =>
        Root.GetProperty("cases").Deserialize<TokenizerCase[]>(Options)!;

    public static IReadOnlyList<AddedTokenCase> AddedTokenCases =>
        Root.GetProperty("added_token_cases").Deserialize<AddedTokenCase[]>(Options)!;

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.Count)];

    public static TheoryData<int> AddedTokenCaseIndices => [.. Enumerable.Range(0, AddedTokenCases.Count)];
}
