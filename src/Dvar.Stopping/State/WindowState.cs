using System.Text.Json.Nodes;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.State;

/// <summary>Writes and reads the contents of a <see cref="SlidingWindow{TAggregate}"/>: its values (oldest first) as
/// <c>"window"</c> and the size of its front as <c>"frontCount"</c>, which together fix every summary bit for bit.</summary>
internal static class WindowState
{
    /// <summary>Adds the window's fields to <paramref name="state"/>.</summary>
    public static void Write<TAggregate>(JsonObject state, SlidingWindow<TAggregate> window)
        where TAggregate : struct, IWindowAggregate<TAggregate>
    {
        state["window"] = Values(window.ToArray());
        state["frontCount"] = window.FrontCount;
    }

    /// <summary>Reads the window's fields, checking the length against the number of observations.</summary>
    /// <param name="state">The document.</param>
    /// <param name="capacity">The window length N.</param>
    /// <param name="observations">The number of observations k read from the document.</param>
    /// <returns>The values and the front size, for <see cref="SlidingWindow{TAggregate}.Load"/>.</returns>
    /// <exception cref="FormatException">A field is missing or inconsistent; the message names it.</exception>
    public static (double[] Values, int FrontCount) Read(JsonObject state, int capacity, long observations)
    {
        double[] values = StateReader.ReadDoubles(state, "window", capacity);
        long expected = Math.Min(observations, capacity);
        if (values.Length != expected)
        {
            throw new FormatException(
                $"window: expected min(observations, {capacity}) = {expected} values, got {values.Length}.");
        }

        int frontCount = (int)StateReader.ReadLong(state, "frontCount", 0, values.Length);
        return (values, frontCount);
    }

    /// <summary>The values as a JSON array of numbers (written in shortest round-trip form).</summary>
    public static JsonArray Values(double[] values)
    {
        var array = new JsonArray();
        foreach (double value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
