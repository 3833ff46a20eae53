using System.CommandLine;
using System.Globalization;
using Dvar.Cli.Input;
using Dvar.Cli.Plotting;

namespace Dvar.Cli.Commands;

/// <summary><c>dvar plot HISTORY.csv [--scores FILE] [--window N --threshold A] [--moving-average W] [--marker STEP=LABEL
/// ...] [--title TEXT] [--out FILE.png]</c>: draws a training run's history (and sample scores) as stacked panels in the
/// style of the paper's Figure 2 (<see cref="TrainingPlot"/>). Torch-free: it never touches TorchSharp.</summary>
internal sealed class PlotCommand : Command
{
    private static readonly Dictionary<string, string> OptionOfParameter = new(StringComparer.Ordinal)
    {
        [nameof(TrainingPlotData.Window)] = "--window",
        [nameof(TrainingPlotData.Threshold)] = "--threshold",
        [nameof(TrainingPlotData.MovingAverageWindow)] = "--moving-average",
        [nameof(TrainingPlotData.Markers)] = "--marker",
    };

    private readonly Argument<string> _history = new("HISTORY")
    {
        Description = "The run's history.csv (step,train_loss,det_loss,statistic,stop).",
    };

    private readonly Option<string?> _scores = CliOptions.Text(
        "--scores", "FILE", $"The run's sample scores (step,train_img,val_img,val_txt); default: {TrainingCsvReader.ScoresFileName} next to HISTORY, if there is one.");

    private readonly Option<int?> _window = CliOptions.Number<int>(
        "--window", "DVAR's window N: recompute the ratio Var(last N) / Var(all) from det_loss (needs --threshold).");

    private readonly Option<double?> _threshold = CliOptions.Number<double>(
        "--threshold", "DVAR's α, drawn as a dashed line; without --window the ratio is the history's statistic column.");

    private readonly Option<int?> _movingAverage = CliOptions.Number<int>(
        "--moving-average", $"Values in the training loss's moving average (default {TrainingPlotData.DefaultMovingAverageWindow}).");

    private readonly Option<string[]> _markers = new("--marker")
    {
        Description = "A vertical line at STEP labelled LABEL on every panel, e.g. --marker 143=\"DVAR stop\"; repeatable.",
        HelpName = "STEP=LABEL",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _title = CliOptions.Text("--title", "TEXT", "The figure's title (default: HISTORY as given).");

    private readonly Option<string?> _out = CliOptions.Text(
        "--out", "FILE.png", "The PNG to write (default: HISTORY with the extension .png). Its folder is created.");

    /// <summary>Creates the command.</summary>
    public PlotCommand()
        : base("plot", "Draw a training run's losses, DVAR ratio and sample scores as a PNG (the paper's Figure 2).")
    {
        Arguments.Add(_history);
        foreach (var option in new Option[] { _scores, _window, _threshold, _movingAverage, _markers, _title, _out })
        {
            Options.Add(option);
        }

        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        string historyPath = parse.GetRequiredValue(_history);
        int? window = parse.GetValue(_window);
        double? threshold = parse.GetValue(_threshold);
        if (window is not null && threshold is null)
        {
            throw new UsageException("--window needs --threshold: the DVAR ratio is recomputed from det_loss with both.");
        }

        var settings = new TrainingPlotData
        {
            Title = parse.GetValue(_title) ?? historyPath,
            History = [],
            Window = window,
            Threshold = threshold,
            MovingAverageWindow = parse.GetValue(_movingAverage) ?? TrainingPlotData.DefaultMovingAverageWindow,
            Markers = ParseMarkers(parse.GetValue(_markers) ?? []),
        };
        Guarded(settings.Validate);
        string output = OutputPath(historyPath, parse.GetValue(_out));

        var history = TrainingCsvReader.ReadHistory(historyPath);
        if (history.Count == 0)
        {
            throw new InputDataException($"'{historyPath}' has a header row but no rows to plot.");
        }

        string? scoresPath = parse.GetValue(_scores) ?? ScoresNextTo(historyPath);
        var data = settings with
        {
            History = history,
            Scores = scoresPath is null ? null : TrainingCsvReader.ReadScores(scoresPath),
        };
        var series = Guarded(() => TrainingPlotSeries.From(data));
        if (series.Panels.Count == 0)
        {
            throw new InputDataException(
                $"'{historyPath}' has nothing to plot: no finite train_loss or det_loss values{(window is null ? ", no positive statistic" : null)}, and no scores.");
        }

        string written;
        try
        {
            written = TrainingPlot.Save(data, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"--out: cannot write '{output}': {e.Message}", innerException: e);
        }

        parse.InvocationConfiguration.Output.WriteLine(written);
        return ExitCodes.Success;
    }

    private static List<PlotMarker> ParseMarkers(string[] values)
    {
        var markers = new List<PlotMarker>(values.Length);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            string stepText = (equals < 0 ? value : value[..equals]).Trim();
            if (!long.TryParse(stepText, NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
            {
                throw new UsageException($"--marker must be STEP=LABEL with an integer step, e.g. --marker 143=\"DVAR stop\"; got '{value}'.");
            }

            markers.Add(new PlotMarker(step, equals < 0 ? string.Empty : value[(equals + 1)..].Trim()));
        }

        return markers;
    }

    private static string OutputPath(string historyPath, string? output)
    {
        string path = output ?? Path.ChangeExtension(historyPath, ".png");
        if (Directory.Exists(path))
        {
            throw new InputDataException($"--out '{path}' is a folder; it must be the PNG file to write.");
        }

        if (string.Equals(Path.GetFullPath(path), Path.GetFullPath(historyPath), StringComparison.Ordinal))
        {
            throw new UsageException($"--out '{path}' is HISTORY itself; name another file.");
        }

        return path;
    }

    private static string? ScoresNextTo(string historyPath)
    {
        string full = Path.GetFullPath(historyPath);
        string scores = Path.Combine(Path.GetDirectoryName(full) ?? ".", TrainingCsvReader.ScoresFileName);
        return File.Exists(scores) && !string.Equals(scores, full, StringComparison.Ordinal) ? scores : null;
    }

    private static T Guarded<T>(Func<T> action) => ArgumentMessages.Guard(action, OptionOfParameter);

    private static void Guarded(Action action) => Guarded(() =>
    {
        action();
        return true;
    });
}
