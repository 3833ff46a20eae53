using Dvar.Stopping.TorchSharp.StableDiffusion.Vae;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Vae;

public class DiagonalGaussianDistributionTests
{
    [Fact]
    public void Ctor_Moments_SplitsMeanAndClampsLogVarToMinus30And20()
    {
        // Channels 0-1 are the mean, 2-3 the log-variance.
        float[] values = [1f, -2f, -45f, 25f, 0.5f, 3f, 7f, -31f];
        var moments = tensor(values).reshape(1, 4, 1, 2);

        using var distribution = new DiagonalGaussianDistribution(moments);

        Assert.Equal([1f, -2f, -45f, 25f], distribution.Mean.data<float>().ToArray());
        Assert.Equal([0.5f, 3f, 7f, -30f], distribution.LogVar.data<float>().ToArray());
        var expectedStd = new[] { 0.5, 3, 7, -30 }.Select(v => (float)Math.Exp(0.5 * v)).ToArray();
        Assert.Equal(expectedStd, distribution.Std.data<float>().ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f * Math.Abs(b));
        Assert.Equal(values, distribution.Moments.data<float>().ToArray());
    }

    [Fact]
    public void Ctor_LogVarAbove20_ClampsTo20()
    {
        var moments = tensor(new float[] { 0f, 50f }).reshape(1, 2, 1, 1);

        using var distribution = new DiagonalGaussianDistribution(moments);

        Assert.Equal(20f, distribution.LogVar.item<float>());
    }

    [Fact]
    public void Mode_ReturnsACopyOfTheMean()
    {
        var moments = tensor(new float[] { 1f, 2f, 0f, 0f }).reshape(1, 4, 1, 1);
        using var distribution = new DiagonalGaussianDistribution(moments);

        using var mode = distribution.Mode();
        mode.add_(1);

        Assert.Equal([1f, 2f], distribution.Mean.data<float>().ToArray());
    }

    [Fact]
    public void Sample_Noise_IsMeanPlusStdTimesNoise()
    {
        var moments = tensor(new float[] { 1f, -1f, 0f, 2f * (float)Math.Log(3) }).reshape(1, 4, 1, 1);
        using var distribution = new DiagonalGaussianDistribution(moments);
        using var noise = tensor(new double[] { 2, -1 }).reshape(1, 2, 1, 1);

        using var sample = distribution.Sample(noise);

        Assert.Equal(ScalarType.Float32, sample.dtype);
        Assert.Equal([3f, -4f], sample.data<float>().ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f);
    }

    [Fact]
    public void Sample_NoiseOfWrongShape_ThrowsNamingBothShapes()
    {
        using var distribution = new DiagonalGaussianDistribution(zeros(1, 8, 2, 2));
        using var noise = zeros(1, 4, 2, 3);

        var e = Assert.Throws<ArgumentException>(() => distribution.Sample(noise));

        Assert.Equal("noise", e.ParamName);
        Assert.Contains("[1, 4, 2, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[1, 4, 2, 3]", e.Message, StringComparison.Ordinal);
    }
}
