namespace Dvar.Cli.Training;

/// <summary>The options of <c>dvar train METHOD</c>, in help order around the model and criterion option sets.</summary>
/// <param name="Leading">After the model options: what to train and how.</param>
/// <param name="Trailing">After the criterion options: data, outputs, scoring, display.</param>
/// <param name="Method">The method's own options.</param>
internal sealed record TrainOptionGroups(
    IReadOnlyList<TrainOptionBinding> Leading, IReadOnlyList<TrainOptionBinding> Trailing, IReadOnlyList<TrainOptionBinding> Method)
{
    /// <summary>Every binding, in help order.</summary>
    public IEnumerable<TrainOptionBinding> All => Leading.Concat(Trailing).Concat(Method);
}
