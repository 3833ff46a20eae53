
namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>One entry of <c>sd-tiny/tokenizer/cases.json</c> "added_token_cases" (textual-inversion tokens).</summary>
public sealed record AddedTokenCase(
    Dictionary<string, int> AddedTokens,
    string Prompt,
    int[] IdsWithoutSpecialTokens,
    int[] InputIds);
