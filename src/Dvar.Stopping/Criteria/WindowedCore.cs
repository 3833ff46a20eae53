using System.Text.Json.Nodes;
using Dvar.Stopping.State;
using Dvar.Stopping.Statistics;

namespace Dvar.Stopping.Criteria;

/// <summary>The life cycle of a criterion whose statistic is a summary of its last N values (DVAR, Hall, Trend): the
/// shared <see cref="CriterionCore"/> plus a <see cref="SlidingWindow{TAggregate}"/>, saved and restored together.</summary>
/// <typeparam name="TAggregate">The window summary.</typeparam>
internal sealed class WindowedCore<TAggregate>
    where TAggregate : struct, IWindowAggregate<TAggregate>
{
    private readonly SlidingWindow<TAggregate> _window;

    /// <summary>Initializes the core of a windowed criterion.</summary>
    /// <param name="core">The criterion's life cycle.</param>
    /// <param name="window">The window length N.</param>
    public WindowedCore(CriterionCore core, int window)
    {
        Core = core;
        _window = new SlidingWindow<TAggregate>(window);
    }

    /// <summary>Gets the criterion's life cycle.</summary>
    public CriterionCore Core { get; }

    /// <summary>Gets a value indicating whether the window holds N values (k ≥ N).</summary>
    public bool IsFull => _window.IsFull;

    /// <summary>Gets the summary of the last N values (valid when <see cref="IsFull"/>).</summary>
    public TAggregate Aggregate => _window.Aggregate;

    /// <summary>Admits <paramref name="value"/> (see <see cref="CriterionCore.TryAdmit"/>) and, if finite, adds it to the window.</summary>
    /// <param name="value">The value offered.</param>
    /// <param name="rejected">For a non-finite value, the decision to return.</param>
    /// <returns>True when the value was finite and added.</returns>
    public bool TryAdd(double value, out StopDecision rejected)
    {
        if (!Core.TryAdmit(value, out rejected))
        {
            return false;
        }

        _window.Add(value);
        return true;
    }

    /// <summary>Forgets every observation.</summary>
    public void Reset()
    {
        Core.Reset();
        _window.Clear();
    }

    /// <summary>The state document with the window's fields.</summary>
    public JsonObject Save()
    {
        JsonObject state = Core.Save();
        WindowState.Write(state, _window);
        return state;
    }

    /// <summary>Checks and reads <paramref name="state"/>, lets the criterion read its own fields, then applies all.</summary>
    /// <param name="state">The document.</param>
    /// <param name="readOwn">Reads the criterion's other fields given k, changing nothing, and returns how to apply them.</param>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="FormatException">A field is rejected; the message names it; nothing has changed.</exception>
    public void Restore(JsonObject state, Func<long, Action>? readOwn = null)
    {
        var common = Core.Read(state);
        var window = WindowState.Read(state, _window.Capacity, common.Observations);
        Action? applyOwn = readOwn?.Invoke(common.Observations);
        Core.Apply(common);
        _window.Load(window.Values, window.FrontCount);
        applyOwn?.Invoke();
    }
}
