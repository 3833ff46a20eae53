namespace Dvar.Stopping.TorchSharp.StableDiffusion.Scheduling;

/// <summary>What the denoising model predicts (diffusers <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary><c>"epsilon"</c>: the added noise ε; Stable Diffusion v1.5's choice.</summary>
    Epsilon = 0,

    /// <summary><c>"v_prediction"</c>: the velocity <c>v = √ᾱ_t · ε − √(1 − ᾱ_t) · x_0</c>.</summary>
    VPrediction = 1,
}
