namespace Dvar.Stopping.TorchSharp.StableDiffusion.TextEncoder;

/// <summary>The activation of the CLIP text encoder's MLP (transformers <c>hidden_act</c>).</summary>
public enum ClipActivation
{
    /// <summary><c>"quick_gelu"</c>: <c>x · sigmoid(1.702 x)</c>, OpenAI CLIP's approximation; SD v1.5 uses it.</summary>
    QuickGelu = 0,

    /// <summary><c>"gelu"</c>: the exact (erf) GELU.</summary>
    Gelu = 1,
}
