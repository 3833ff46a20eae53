using Dvar.Stopping.TorchSharp.StableDiffusion.Layers;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Layers;

public class TimestepsTests : IClassFixture<UnetReference>
{
    private readonly UnetReference reference;

    public TimestepsTests(UnetReference reference)
    {
        this.reference = reference;
    }

    [Theory]
    [InlineData(32, true, 0.0)]
    [InlineData(32, false, 0.0)]
    [InlineData(320, true, 0.0)]
    [InlineData(16, false, 1.0)]
    [InlineData(9, true, 0.0)]
    public void Forward_MatchesReference(int channels, bool flip, double shift)
    {
        double[] timesteps = [0, 1, 250.5, 999];
        using var module = new Timesteps(channels, flip, shift);
        using var input = tensor(timesteps);

        using var actual = module.forward(input);

        using var expected = tensor(Reference(timesteps, channels, flip, shift)).reshape(timesteps.Length, channels);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        TensorAssert.Close(actual, expected, atol: 2e-4, rtol: 1e-5, $"{channels} channels, flip {flip}, shift {shift}");
    }

    [Fact]
    public void Forward_FixtureTimesteps_MatchDiffusers()
    {
        using var module = new Timesteps(32, flipSinToCos: true, downscaleFreqShift: 0);
        var (atol, rtol) = reference.Cases.Fp32Tolerance("b2");

        using var actual = module.forward(reference.Cases["b2.input.timestep"]);

        TensorAssert.Close(actual, reference.Cases["b2.intermediate.time_proj"], atol, rtol, "time_proj");
    }

    [Fact]
    public void Forward_TwoDimensionalTimesteps_ThrowsNamingShape()
    {
        using var module = new Timesteps(32, flipSinToCos: true, downscaleFreqShift: 0);
        using var input = zeros(2, 1);

        var e = Assert.Throws<ArgumentException>(() => module.forward(input));

        Assert.Contains("[2, 1]", e.Message);
    }

    /// <summary>
    /// The DDPM sinusoidal embedding in float64: f_k = exp(-ln(10000) k / (half - shift)), [sin(t f) | cos(t f)], halves swapped
    /// when flipped, a zero column appended for odd widths.
    /// </summary>
    private static double[] Reference(double[] timesteps, int channels, bool flip, double shift)
    {
        int half = channels / 2;
        var result = new double[timesteps.Length * channels];
        for (int row = 0; row < timesteps.Length; row++)
        {
            for (int k = 0; k < half; k++)
            {
                double angle = timesteps[row] * Math.Exp(-Math.Log(10000) * k / (half - shift));
                double first = flip ? Math.Cos(angle) : Math.Sin(angle);
                double second = flip ? Math.Sin(angle) : Math.Cos(angle);
                result[(row * channels) + k] = first;
                result[(row * channels) + half + k] = second;
            }
        }

        return result;
    }
}
