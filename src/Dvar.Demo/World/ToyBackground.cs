namespace Dvar.Demo.World;

/// <summary>The background colours of the toy world (each drawn with a faint vertical gradient).</summary>
public enum ToyBackground
{
    /// <summary>Near black.</summary>
    Black,

    /// <summary>Mid gray.</summary>
    Gray,

    /// <summary>Near white.</summary>
    White,

    /// <summary>Brown.</summary>
    Brown,
}
