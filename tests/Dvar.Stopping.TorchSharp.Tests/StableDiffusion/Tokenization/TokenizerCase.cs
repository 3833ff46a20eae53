
namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>One entry of <c>sd-tiny/tokenizer/cases.json</c> "cases" (ids from OpenAI's CLIP tokenizer).</summary>
public sealed record TokenizerCase(
    string Prompt,
    string[] BpeTokens,
    int[] IdsWithoutSpecialTokens,
    int NumTokensWithSpecial,
    bool Truncated,
    int[] InputIds,
    string Decoded);
