using Dvar.Demo.World;

namespace Dvar.Demo.Tests.World;

public class ToyRendererTests
{
    [Fact]
    public void Render_SameScene_GivesIdenticalPixels()
    {
        var scene = ToyScene.Sample(new Random(1), ToyShape.Triangle, ToyColor.Purple, ToyBackground.Gray, ToySize.Large);

        Assert.Equal(ToyRenderer.Render(scene).Rgb, ToyRenderer.Render(scene).Rgb);
    }

    [Theory]
    [InlineData(ToyShape.Circle, ToyColor.Red, ToyBackground.Black)]
    [InlineData(ToyShape.Square, ToyColor.Yellow, ToyBackground.White)]
    [InlineData(ToyShape.Cross, ToyColor.Blue, ToyBackground.Brown)]
    [InlineData(ToyShape.Triangle, ToyColor.Green, ToyBackground.Gray)]
    public void Render_LargeObject_CentreHasTheObjectColourAndCornerTheBackground(ToyShape shape, ToyColor color, ToyBackground background)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var scene = ToyScene.Sample(new Random(seed), shape, color, background, ToySize.Large);
            var image = ToyRenderer.Render(scene);

            var (r, g, b) = ToyRenderer.ObjectColors[color];
            var centre = Pixel(image, (int)scene.CenterX, (int)scene.CenterY);
            Assert.Equal(Clamp(r + scene.ColorJitter.R), centre.R, 1.0);
            Assert.Equal(Clamp(g + scene.ColorJitter.G), centre.G, 1.0);
            Assert.Equal(Clamp(b + scene.ColorJitter.B), centre.B, 1.0);

            var (br, bg, bb) = ToyRenderer.BackgroundColors[background];
            var corner = Pixel(image, 0, 0);
            Assert.Equal(Clamp(br + scene.GradientTop), corner.R, 2.0);
            Assert.Equal(Clamp(bg + scene.GradientTop), corner.G, 2.0);
            Assert.Equal(Clamp(bb + scene.GradientTop), corner.B, 2.0);
        }
    }

    [Fact]
    public void Render_LargeCircle_CoversAboutPiRSquaredPixels()
    {
        var scene = ToyScene.Sample(new Random(2), ToyShape.Circle, ToyColor.Red, ToyBackground.Black, ToySize.Large);
        var image = ToyRenderer.Render(scene);

        // With a black background and a red disc, the red channel sums the covered area (anti-aliased edges count in part).
        var (r, _, _) = ToyRenderer.ObjectColors[ToyColor.Red];
        double red = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                red += (Pixel(image, x, y).R - Pixel(image, 0, y).R) / (double)(Clamp(r + scene.ColorJitter.R) - Pixel(image, 0, y).R);
            }
        }

        Assert.Equal(Math.PI * scene.Radius * scene.Radius, red, Math.PI * scene.Radius * scene.Radius * 0.03);
    }

    [Fact]
    public void Render_NonSquareScene_HasTheScenesSize()
    {
        var scene = ToyScene.Sample(new Random(3), ToyShape.Square, ToyColor.Orange, ToyBackground.Gray, ToySize.Large, width: 48, height: 40);

        var image = ToyRenderer.Render(scene);

        Assert.Equal((48, 40), (image.Width, image.Height));
        Assert.InRange(scene.CenterX - scene.Radius, 0, 48);
        Assert.InRange(scene.CenterX + scene.Radius, 0, 48);
        Assert.InRange(scene.CenterY + scene.Radius, 0, 40);
    }

    private static (double R, double G, double B) Pixel(RgbImage image, int x, int y)
    {
        int o = ((y * image.Width) + x) * 3;
        return (image.Rgb[o], image.Rgb[o + 1], image.Rgb[o + 2]);
    }

    private static double Clamp(int value) => Math.Clamp(value, 0, 255);
}
