
namespace Dvar.Stopping.Tests.Reference;

/// <summary>What the specification says about one observation k.</summary>
/// <param name="Statistic">The statistic at k, or null while undefined.</param>
/// <param name="Crossed">Whether the statistic satisfies the firing condition at k (the criterion has fired at the first such k).</param>
/// <param name="Scale">A magnitude below which float64 cannot resolve the statistic (0: compare relative to the statistic).</param>
/// <param name="Undefined">Why the statistic is undefined, when it is (checked by <see cref="ReferenceAssert.Matches"/>).</param>
internal readonly record struct ReferenceStep(double? Statistic, bool Crossed, double Scale = 0, UndefinedReason Undefined = UndefinedReason.None)
{
    /// <summary>A step at which the specification leaves the statistic undefined, for the reason given.</summary>
    public static ReferenceStep UndefinedBecause(UndefinedReason why) => new(null, false, 0, why);
}
