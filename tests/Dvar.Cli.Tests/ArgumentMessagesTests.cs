
namespace Dvar.Cli.Tests;

public sealed class ArgumentMessagesTests
{
    private static readonly Dictionary<string, string> Options = new() { ["MaxSteps"] = "--max-steps", ["templates"] = "--templates" };

    [Fact]
    public void ToUsage_MessageStartingWithTheProperty_NamesTheOptionInstead()
    {
        var e = new ArgumentOutOfRangeException("MaxSteps", "MaxSteps must be at least 1; got 0.");

        Assert.Equal("--max-steps must be at least 1; got 0.", ArgumentMessages.ToUsage(e, Options).Message);
    }

    [Fact]
    public void ToUsage_OtherMessage_IsPrefixedWithTheOption()
    {
        var e = new ArgumentException("A template needs exactly one {}; got \"x\".", "templates");

        Assert.Equal("--templates: A template needs exactly one {}; got \"x\".", ArgumentMessages.ToUsage(e, Options).Message);
    }

    [Fact]
    public void ToUsage_UnknownParameter_KeepsTheMessageWithoutTheRuntimeSuffix()
    {
        var e = new ArgumentException("The pipeline is already adapted.", "pipeline");

        Assert.Equal("The pipeline is already adapted.", ArgumentMessages.ToUsage(e, Options).Message);
    }
}
