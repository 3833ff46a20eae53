using System.CommandLine;

namespace Dvar.Cli;

/// <summary>Entry point of the <c>dvar</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("dvar: stop text-to-image personalization when the deterministic loss has settled.");
        return root.Parse(args).Invoke();
    }
}
