namespace Dvar.Demo.World;

/// <summary>The shapes of the toy world: four outlines that stay distinct at 32 x 32 pixels.</summary>
public enum ToyShape
{
    /// <summary>A filled disc.</summary>
    Circle,

    /// <summary>A filled axis-aligned square.</summary>
    Square,

    /// <summary>A filled upward-pointing triangle.</summary>
    Triangle,

    /// <summary>A filled plus sign with arms a third of its width.</summary>
    Cross,
}
