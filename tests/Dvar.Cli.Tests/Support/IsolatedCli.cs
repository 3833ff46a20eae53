using System.Reflection;
using System.Runtime.Loader;

namespace Dvar.Cli.Tests.Support;

/// <summary>Runs <c>dvar</c> in a fresh, collectible load context that loads the tool and its libraries itself, so a
/// test can see exactly which assemblies one command loads, whatever other tests loaded into the process.</summary>
internal sealed class IsolatedCli : AssemblyLoadContext
{
    private readonly string _folder = AppContext.BaseDirectory;

    private IsolatedCli()
        : base("dvar-isolated", isCollectible: true)
    {
    }

    /// <summary>Runs <c>Program.Run</c> in a new context and returns its exit code and the names of the assemblies the
    /// context loaded (framework assemblies are shared with the process and not listed).</summary>
    public static (int ExitCode, IReadOnlyList<string> Loaded) Run(string[] args, string standardInput = "")
    {
        var context = new IsolatedCli();
        try
        {
            var assembly = context.LoadFromAssemblyPath(typeof(Program).Assembly.Location);
            var run = assembly.GetType(typeof(Program).FullName!)!.GetMethod(
                nameof(Program.Run), BindingFlags.Public | BindingFlags.Static, [typeof(string[]), typeof(TextReader), typeof(TextWriter), typeof(TextWriter)])!;
            using var input = new StringReader(standardInput);
            using var output = new StringWriter();
            using var error = new StringWriter();
            int exitCode = (int)run.Invoke(null, [args, input, output, error])!;
            return (exitCode, [.. context.Assemblies.Select(a => a.GetName().Name!)]);
        }
        finally
        {
            context.Unload();
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
