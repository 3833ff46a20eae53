namespace Dvar.Stopping.TorchSharp.Imaging;

/// <summary>The resampling filters of <see cref="PillowResampler"/>, named as Pillow's <c>Image.Resampling</c>.</summary>
internal enum PillowFilter
{
    /// <summary>The triangle filter <c>max(0, 1 − |x|)</c>, support 1: Pillow's <c>BILINEAR</c>.</summary>
    Bilinear,

    /// <summary>The Keys cubic with a = −0.5, support 2: Pillow's <c>BICUBIC</c>.</summary>
    Bicubic,
}
