namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>A generated prompt: words, digits, punctuation, accents, emoji, white space and random BMP characters.</summary>
public sealed record PromptText(string Value)
{
    public override string ToString() => $"\"{Value}\"";
}
