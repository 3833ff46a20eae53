using Dvar.Cli.Tests.Support;

namespace Dvar.Cli.Tests.Commands;

/// <summary><c>dvar train</c> shares the criterion options of <c>dvar replay</c>, and with them their upper bounds: a
/// window or lag that would need gigabytes is a usage error (exit 2) naming the option, not an out-of-memory crash.</summary>
public sealed class TrainCriterionBoundsTests
{
    public static TheoryData<string[], string> TooLarge => new()
    {
        { ["--window", "2147483647"], "--window must be at most 10000000; got 2147483647" },
        { ["--criterion", "hall", "--window", "10000001", "--threshold", "0.1"], "--window must be at most 10000000; got 10000001" },
        { ["--criterion", "trend", "--window", "2147483647", "--threshold", "0.1"], "--window must be at most 10000000; got 2147483647" },
        { ["--criterion", "ema", "--lag", "2147483647", "--threshold", "0.1"], "--lag must be at most 10000000; got 2147483647" },
    };

    [Theory]
    [MemberData(nameof(TooLarge))]
    public void Train_CriterionSizeAboveItsBound_ExitsWithUsageCodeNamingTheOption(string[] options, string fragment)
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", ["--max-steps", "2", .. options]))
            .AssertFails(ExitCodes.Usage, "dvar train textual-inversion", fragment, "bytes per value");
        Assert.False(File.Exists(Path.Combine(training.Output, "training-summary.json")));
    }

    [Theory]
    [InlineData("1025")]
    [InlineData("2147483647")]
    public void Train_BatchSizeAboveItsBound_ExitsWithUsageCodeBeforeTraining(string batch)
    {
        using var training = new TinyTraining();

        CliRun.Of(training.Args("textual-inversion", ["--max-steps", "2", "--batch-size", batch]))
            .AssertFails(ExitCodes.Usage, "--batch-size must be at most 1024; got " + batch, "activations");
        Assert.False(File.Exists(Path.Combine(training.Output, "training-summary.json")));
    }
}
