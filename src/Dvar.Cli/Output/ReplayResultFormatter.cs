using System.Globalization;
using System.Text.Json;
using Dvar.Cli.Replay;
using Dvar.Stopping;

namespace Dvar.Cli.Output;

/// <summary>Writes a <see cref="ReplayResult"/> as a one-line summary or as one JSON object.</summary>
/// <remarks>
/// JSON keys: <c>criterion</c> (name), <c>observations</c> (values read), <c>stopped</c>, <c>stopIndex</c> (1-based
/// position of the value that fired, or null), <c>statistic</c> (at the stop, or at the last value when not stopped;
/// null while undefined; a non-finite one is the string <c>NaN</c>, <c>Infinity</c> or <c>-Infinity</c>),
/// <c>reason</c> (the <c>StopReason</c> name in camelCase: <c>none</c>, <c>thresholdReached</c>,
/// <c>budgetExhausted</c>, <c>patienceExhausted</c>, <c>nonFiniteValue</c>, <c>nonFiniteIgnored</c>),
/// <c>undefined</c> (why the statistic is null, the <c>UndefinedReason</c> name in camelCase: <c>tooFewValues</c>,
/// <c>constantHistory</c>, <c>zeroReference</c>, <c>nonPositiveMaximum</c>, <c>nonFiniteValue</c>; null while the
/// statistic is defined).
/// </remarks>
internal static class ReplayResultFormatter
{
    /// <summary>Writes the result in the chosen format, followed by a newline.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="result">The result.</param>
    /// <param name="format">Text or JSON.</param>
    public static void Write(TextWriter writer, ReplayResult result, OutputFormat format)
    {
        writer.Write(format == OutputFormat.Json ? ToJson(result) : ToText(result));
        writer.Write('\n');
    }

    /// <summary>The camelCase name of a stop reason, as written in JSON.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>E.g. <c>thresholdReached</c>.</returns>
    public static string ReasonName(StopReason reason) => JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    /// <summary>The camelCase name of why a statistic is undefined, as written in JSON, or null when it is defined.</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>E.g. <c>constantHistory</c>; null for <see cref="UndefinedReason.None"/>.</returns>
    public static string? UndefinedName(UndefinedReason reason) =>
        reason == UndefinedReason.None ? null : JsonNamingPolicy.CamelCase.ConvertName(reason.ToString());

    private static string ToJson(ReplayResult result) => JsonOutput.Object(json =>
    {
        json.WriteString("criterion", result.Criterion);
        json.WriteNumber("observations", result.Observations);
        json.WriteBoolean("stopped", result.Stopped);
        JsonOutput.WriteNumber(json, "stopIndex", result.StopIndex);
        JsonOutput.WriteNumber(json, "statistic", result.Decision.Statistic);
        json.WriteString("reason", ReasonName(result.Decision.Reason));
        json.WriteString("undefined", result.Decision.Statistic is null ? UndefinedName(result.Decision.UndefinedReason) : null);
    });

    private static string ToText(ReplayResult result)
    {
        var decision = result.Decision;
        var statistic = decision.Statistic is { } s ? s.ToString("G6", CultureInfo.InvariantCulture) : Undefined(decision.UndefinedReason);
        var threshold = decision.Threshold.ToString("G6", CultureInfo.InvariantCulture);
        return result.StopIndex is { } index
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Criterion}: stop at observation {index} of {result.Observations} ({ReasonName(decision.Reason)}; statistic {statistic}, threshold {threshold}).")
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{result.Criterion}: no stop in {result.Observations} observations (last statistic {statistic}, threshold {threshold}).");
    }

    private static string Undefined(UndefinedReason reason) => reason switch
    {
        UndefinedReason.TooFewValues => "undefined (too few values)",
        UndefinedReason.ConstantHistory => "undefined (every value is the same: zero variance)",
        UndefinedReason.ZeroReference => "undefined (the lagged EMA is 0)",
        UndefinedReason.NonPositiveMaximum => "undefined (the window maximum is not above 0)",
        UndefinedReason.NonFiniteValue => "undefined (a non-finite value)",
        _ => "undefined",
    };
}
