namespace Dvar.Cli.Demo;

/// <summary>One of the demo's claims, checked on its own measurements.</summary>
/// <param name="Name">A short key, e.g. <c>trainLossUninformative</c>.</param>
/// <param name="Claim">The claim in words, with its threshold.</param>
/// <param name="Value">The measured figure the claim is about.</param>
/// <param name="PerRun">The figure of each run or group it aggregates, by name.</param>
/// <param name="Passed">Whether the claim holds.</param>
internal sealed record DemoCheck(string Name, string Claim, double Value, IReadOnlyDictionary<string, double> PerRun, bool Passed);
