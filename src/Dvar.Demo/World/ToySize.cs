namespace Dvar.Demo.World;

/// <summary>The object sizes of the toy world.</summary>
public enum ToySize
{
    /// <summary>About a third of the image wide.</summary>
    Small,

    /// <summary>About two thirds of the image wide.</summary>
    Large,
}
