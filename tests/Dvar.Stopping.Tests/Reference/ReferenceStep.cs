namespace Dvar.Stopping.Tests.Reference;

/// <summary>What the specification says about one observation k.</summary>
/// <param name="Statistic">The statistic at k, or null while undefined.</param>
/// <param name="Crossed">Whether the statistic satisfies the firing condition at k (the criterion has fired at the first such k).</param>
/// <param name="Scale">A magnitude below which float64 cannot resolve the statistic (0: compare relative to the statistic).</param>
internal readonly record struct ReferenceStep(double? Statistic, bool Crossed, double Scale = 0);
