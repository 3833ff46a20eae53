using System.Text.Json.Nodes;

namespace Dvar.Stopping.Composition;

/// <summary>The fields of a composite's state document other than its header, as read before anything is changed.</summary>
/// <param name="Observations">The number of finite values observed.</param>
/// <param name="Reason">The reason it fired with, or <see cref="StopReason.None"/>.</param>
/// <param name="FiredBy">The names that fired, or null.</param>
/// <param name="Representative">The index of the child whose statistic decisions report.</param>
/// <param name="Children">The children's states in order.</param>
internal sealed record CompositeProgress(
    long Observations,
    StopReason Reason,
    string? FiredBy,
    int Representative,
    JsonArray Children);
