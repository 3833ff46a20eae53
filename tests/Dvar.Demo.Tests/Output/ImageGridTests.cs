using Dvar.Demo.Output;
using Dvar.Demo.World;

namespace Dvar.Demo.Tests.Output;

public class ImageGridTests
{
    [Fact]
    public void FromImages_PlacesEachImageEnlargedInItsCell()
    {
        var a = Solid(2, 3, 10, 20, 30);
        var b = Solid(2, 3, 40, 50, 60);

        var grid = ImageGrid.FromImages([a, null, b], columns: 2, scale: 2, gap: 1, gapColor: (255, 0, 255));

        // 2 columns of 4-pixel-wide cells with 3 gaps; 2 rows of 6-pixel-high cells with 3 gaps.
        Assert.Equal((11, 15), (grid.Width, grid.Height));
        Assert.Equal((10, 20, 30), Pixel(grid, 1, 1));
        Assert.Equal((10, 20, 30), Pixel(grid, 4, 6));
        Assert.Equal((255, 0, 255), Pixel(grid, 0, 0));
        Assert.Equal((255, 0, 255), Pixel(grid, 6, 1)); // the empty cell keeps the gap colour
        Assert.Equal((40, 50, 60), Pixel(grid, 1, 8));
    }

    [Fact]
    public void FromImages_DifferentSizes_Throws() =>
        Assert.Throws<ArgumentException>(() => ImageGrid.FromImages([Solid(2, 2, 0, 0, 0), Solid(3, 2, 0, 0, 0)], columns: 2));

    private static RgbImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i += 3)
        {
            (rgb[i], rgb[i + 1], rgb[i + 2]) = (r, g, b);
        }

        return new RgbImage(width, height, rgb);
    }

    private static (int, int, int) Pixel(RgbImage image, int x, int y)
    {
        int o = ((y * image.Width) + x) * 3;
        return (image.Rgb[o], image.Rgb[o + 1], image.Rgb[o + 2]);
    }
}
