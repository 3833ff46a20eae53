
namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Tokenization;

/// <summary>A generated text of 0-10 ASCII lower-case words (1-7 letters) joined by single spaces.</summary>
public sealed record LowercaseWords(string Value)
{
    public override string ToString() => $"\"{Value}\"";
}
