
namespace Dvar.Stopping.Tests.Reference;

/// <summary>A generated sequence of values with a description of how it was made (shown when a property fails).</summary>
public sealed record Trace(string Description, double[] Values)
{
    public override string ToString() => $"{Description} ({Values.Length} values)";
}
