using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Dvar.Cli.Diagnostics;

/// <summary>The logger of the train and generate commands: one line per message on standard error, at Warning (or
/// Information with <c>--verbose</c>).</summary>
internal static class CliLogging
{
    /// <summary>Creates the logger factory; dispose it to flush the console logger's queue.</summary>
    /// <param name="verbose">Whether to log at Information instead of Warning.</param>
    /// <returns>The factory.</returns>
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning);
        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });

        // Standard output carries the summary (one JSON object with --format json): every log line goes to standard error.
        builder.Services.Configure<ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
    });
}
