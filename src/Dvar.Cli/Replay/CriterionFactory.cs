using Dvar.Stopping;
using Dvar.Stopping.Criteria;

namespace Dvar.Cli.Replay;

/// <summary>Builds the criterion named by <c>--criterion</c> from the command-line options, and says precisely which
/// option is missing, out of range or does not apply.</summary>
/// <remarks>Ranges are checked once, by the criteria's options (their <c>Validate</c>); this type maps the property in
/// error back to its command-line option. DVAR defaults to the Textual Inversion preset (N = 310, α = 0.15) or to the
/// preset the caller gives (a training method's); EMA's
/// smoothing defaults to 0.1 and patience's min-delta to 0; every other option of the chosen criterion is required.</remarks>
internal static class CriterionFactory
{
    private static readonly Dictionary<CriterionKind, (string Option, bool Required)[]> Accepted = new()
    {
        [CriterionKind.Dvar] = [("--window", false), ("--threshold", false)],
        [CriterionKind.Ema] = [("--lag", true), ("--threshold", true), ("--smoothing", false)],
        [CriterionKind.Hall] = [("--window", true), ("--threshold", true)],
        [CriterionKind.Trend] = [("--window", true), ("--threshold", true)],
        [CriterionKind.Patience] = [("--patience", true), ("--min-delta", false)],
        [CriterionKind.Fixed] = [("--steps", true)],
        [CriterionKind.ClipS] = [("--patience", false), ("--min-delta", false)],
    };

    private static readonly Dictionary<string, string> OptionOfProperty = new(StringComparer.Ordinal)
    {
        [nameof(DvarOptions.Window)] = "--window",
        [nameof(DvarOptions.Threshold)] = "--threshold",
        [nameof(EmaPercentileOptions.Lag)] = "--lag",
        [nameof(EmaPercentileOptions.Smoothing)] = "--smoothing",
        [nameof(PatienceOptions.Patience)] = "--patience",
        [nameof(PatienceOptions.MinDelta)] = "--min-delta",
        [nameof(FixedBudgetOptions.Budget)] = "--steps",
    };

    /// <summary>The value of <c>--criterion</c> for each kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>Its lower-case name, the same as the criterion's <see cref="IStoppingCriterion.Name"/>.</returns>
    public static string NameOf(CriterionKind kind) => kind == CriterionKind.ClipS ? "clip-s" : kind.ToString().ToLowerInvariant();

    /// <summary>Builds the criterion.</summary>
    /// <param name="kind">Which criterion.</param>
    /// <param name="parameters">The options given on the command line.</param>
    /// <param name="dvarDefaults">DVAR's window and threshold where <c>--window</c> or <c>--threshold</c> is not given;
    /// null for the Textual Inversion preset (N = 310, α = 0.15).</param>
    /// <param name="clipSDefaults">CLIP-s's patience and ε where <c>--patience</c> or <c>--min-delta</c> is not given (a
    /// training method's preset); null for the Textual Inversion preset (6, 0.02).</param>
    /// <returns>A fresh criterion with the default non-finite policy (stop); for <see cref="CriterionKind.ClipS"/> the
    /// <see cref="PatienceCriterion"/> that reads the sample scores.</returns>
    /// <exception cref="UsageException">An option does not apply to <paramref name="kind"/>, a required one is
    /// missing, or a value is out of range; the message names the option.</exception>
    public static IStoppingCriterion Create(CriterionKind kind, CriterionParameters parameters, DvarOptions? dvarDefaults = null, PatienceOptions? clipSDefaults = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        CheckOptions(kind, parameters);
        try
        {
            return Build(kind, parameters, dvarDefaults ?? DvarOptions.TextualInversion, clipSDefaults ?? PatienceOptions.TextualInversion);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is { } property && OptionOfProperty.TryGetValue(property, out var option))
        {
            var message = ArgumentMessages.Describe(e);
            throw new UsageException(message.StartsWith(property + " ", StringComparison.Ordinal)
                ? $"{option}{message[property.Length..]} (--criterion {NameOf(kind)})"
                : $"{option} is out of range for --criterion {NameOf(kind)}: {message}");
        }
    }

    private static IStoppingCriterion Build(CriterionKind kind, CriterionParameters p, DvarOptions dvarDefaults, PatienceOptions clipSDefaults) => kind switch
    {
        CriterionKind.Dvar => new DvarCriterion(new DvarOptions
        {
            Window = p.Window ?? dvarDefaults.Window,
            Threshold = p.Threshold ?? dvarDefaults.Threshold,
        }),
        CriterionKind.Ema => new EmaPercentileCriterion(p.Smoothing is { } smoothing
            ? new EmaPercentileOptions { Lag = p.Lag!.Value, Threshold = p.Threshold!.Value, Smoothing = smoothing }
            : new EmaPercentileOptions { Lag = p.Lag!.Value, Threshold = p.Threshold!.Value }),
        CriterionKind.Hall => new HallCriterion(new HallOptions { Window = p.Window!.Value, Threshold = p.Threshold!.Value }),
        CriterionKind.Trend => new TrendCriterion(new TrendOptions { Window = p.Window!.Value, Threshold = p.Threshold!.Value }),
        CriterionKind.Patience => new PatienceCriterion(p.MinDelta is { } minDelta
            ? new PatienceOptions { Patience = p.Patience!.Value, MinDelta = minDelta }
            : new PatienceOptions { Patience = p.Patience!.Value }),
        CriterionKind.Fixed => new FixedBudgetCriterion(new FixedBudgetOptions { Budget = p.Steps!.Value }),
        CriterionKind.ClipS => new PatienceCriterion(new PatienceOptions
        {
            Patience = p.Patience ?? clipSDefaults.Patience,
            MinDelta = p.MinDelta ?? clipSDefaults.MinDelta,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown criterion kind."),
    };

    private static void CheckOptions(CriterionKind kind, CriterionParameters parameters)
    {
        var accepted = Accepted[kind];
        var given = Given(parameters);
        var inapplicable = given.Where(option => !accepted.Any(a => a.Option == option)).ToList();
        if (inapplicable.Count > 0)
        {
            throw new UsageException(
                $"{Join(inapplicable)} {(inapplicable.Count == 1 ? "does" : "do")} not apply to --criterion {NameOf(kind)}; "
                + $"it takes {Join(accepted.Select(a => a.Option))}.");
        }

        var missing = accepted.Where(a => a.Required && !given.Contains(a.Option)).Select(a => a.Option).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException(
                $"--criterion {NameOf(kind)} needs {Join(accepted.Where(a => a.Required).Select(a => a.Option))} "
                + $"(no default applies); missing: {Join(missing)}.");
        }
    }

    private static List<string> Given(CriterionParameters p)
    {
        var given = new List<string>();
        Add(p.Window is not null, "--window");
        Add(p.Threshold is not null, "--threshold");
        Add(p.Lag is not null, "--lag");
        Add(p.Smoothing is not null, "--smoothing");
        Add(p.Patience is not null, "--patience");
        Add(p.MinDelta is not null, "--min-delta");
        Add(p.Steps is not null, "--steps");
        return given;

        void Add(bool isGiven, string option)
        {
            if (isGiven)
            {
                given.Add(option);
            }
        }
    }

    private static string Join(IEnumerable<string> options) => string.Join(", ", options);
}
