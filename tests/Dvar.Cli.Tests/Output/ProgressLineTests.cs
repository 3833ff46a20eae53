using Dvar.Cli.Output;

namespace Dvar.Cli.Tests.Output;

public sealed class ProgressLineTests
{
    [Fact]
    public void Show_Terminal_RewritesOneLineAndPadsShorterText()
    {
        using var writer = new StringWriter { NewLine = "\n" };
        var line = new ProgressLine(writer, terminal: true);

        line.Show("step 1/10 long", milestone: false);
        line.Show("step 2/10", milestone: true);
        line.End();

        Assert.Equal("\rstep 1/10 long\rstep 2/10     \n", writer.ToString());
    }

    [Fact]
    public void Show_Redirected_PrintsMilestonesAndTheLastUpdateAtTheEnd()
    {
        using var writer = new StringWriter { NewLine = "\n" };
        var line = new ProgressLine(writer, terminal: false);

        line.Show("step 0", milestone: true);
        line.Show("step 1", milestone: false);
        line.Show("step 2", milestone: false);
        line.End();

        Assert.Equal("step 0\nstep 2\n", writer.ToString());
    }

    [Fact]
    public void End_NothingShown_WritesNothing()
    {
        using var writer = new StringWriter { NewLine = "\n" };

        new ProgressLine(writer, terminal: true).End();

        Assert.Equal(string.Empty, writer.ToString());
    }
}
