using System.CommandLine;
using Dvar.Cli.Replay;

namespace Dvar.Cli.Commands;

/// <summary>The stopping-criterion options shared by <c>dvar replay</c> and <c>dvar train</c>: <c>--criterion</c> and the
/// parameters of each criterion, parsed once and handed to <see cref="CriterionFactory"/>.</summary>
internal sealed class CriterionOptionSet
{
    private readonly Option<CriterionKind?> _criterion;
    private readonly Option<int?> _window;
    private readonly Option<double?> _threshold;
    private readonly Option<int?> _lag = CliOptions.Number<int>("--lag", "ema: lag n (1 to 10000000).");
    private readonly Option<double?> _smoothing = CliOptions.Number<double>("--smoothing", "ema: smoothing a in (0, 1] (default 0.1).");
    private readonly Option<int?> _patience = CliOptions.Number<int>("--patience", "patience, clip-s: misses allowed before stopping (clip-s default: the method's, TI 6, DreamBooth-LoRA 3, Custom Diffusion 6).");
    private readonly Option<double?> _minDelta = CliOptions.Number<double>("--min-delta", "patience, clip-s: ε, the least improvement that counts (default 0; clip-s: TI 0.02, DreamBooth-LoRA 0.04, Custom Diffusion 0.02).");
    private readonly Option<long?> _steps = CliOptions.Number<long>("--steps", "fixed: budget S, the observation at which it stops.");

    /// <summary>Creates the options.</summary>
    /// <param name="required">Whether <c>--criterion</c> must be given (replay) or defaults to DVAR (train).</param>
    /// <param name="dvarDefaults">How the help text states DVAR's defaults, e.g. <c>"310"</c> and <c>"0.15"</c>.</param>
    /// <param name="sampling">Whether <c>clip-s</c>, which samples images during training, is a choice (train only).</param>
    public CriterionOptionSet(bool required, (string Window, string Threshold) dvarDefaults, bool sampling = false)
    {
        var choices = Enum.GetValues<CriterionKind>()
            .Where(kind => sampling || kind != CriterionKind.ClipS)
            .ToDictionary(CriterionFactory.NameOf, kind => (CriterionKind?)kind);
        _criterion = CliOptions.Choice("--criterion", required ? "The stopping criterion." : "The stopping criterion (default dvar).", choices);
        _criterion.Required = required;
        _window = CliOptions.Number<int>("--window", $"dvar: window N (default {dvarDefaults.Window}); hall, trend: window n. 2 to 10000000.");
        _threshold = CliOptions.Number<double>("--threshold", $"dvar: α (default {dvarDefaults.Threshold}); ema, hall, trend: τ.");
    }

    /// <summary>Adds every option to a command.</summary>
    /// <param name="command">The command.</param>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _criterion, _window, _threshold, _lag, _smoothing, _patience, _minDelta, _steps })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The criterion named on the command line, or null when <c>--criterion</c> was not given.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The kind, or null.</returns>
    public CriterionKind? Kind(ParseResult parse) => parse.GetValue(_criterion);

    /// <summary>The criterion parameters given on the command line.</summary>
    /// <param name="parse">The parse result.</param>
    /// <returns>The parameters; null where not given.</returns>
    public CriterionParameters Parameters(ParseResult parse) => new(
        parse.GetValue(_window),
        parse.GetValue(_threshold),
        parse.GetValue(_lag),
        parse.GetValue(_smoothing),
        parse.GetValue(_patience),
        parse.GetValue(_minDelta),
        parse.GetValue(_steps));
}
