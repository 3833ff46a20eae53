
namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>A generated prompt: words, digits, punctuation, accents, emoji, white space and random BMP characters (none that NFC turns into a surrogate pair).</summary>
public sealed record PromptText(string Value)
{
    public override string ToString() => $"\"{Value}\"";
}
