using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>Attaches a method and runs one <see cref="TrainingStep"/>, with state snapshots before attaching, after attaching and after the step.</summary>
internal sealed class TrainingRun : IDisposable
{
    private TrainingRun(StateSnapshot beforeAttach, StateSnapshot attached, StateSnapshot after, double loss)
    {
        BeforeAttach = beforeAttach;
        Attached = attached;
        After = after;
        Loss = loss;
    }

    public StateSnapshot BeforeAttach { get; }

    public StateSnapshot Attached { get; }

    public StateSnapshot After { get; }

    public double Loss { get; }

    public static TrainingRun AttachAndStep(StableDiffusionPipeline pipeline, PersonalizationMethod method, double learningRate)
    {
        var beforeAttach = StateSnapshot.Take(pipeline);
        method.Attach(pipeline);
        var attached = StateSnapshot.Take(pipeline);
        double loss = TrainingStep.Run(pipeline, method, learningRate: learningRate);
        return new TrainingRun(beforeAttach, attached, StateSnapshot.Take(pipeline), loss);
    }

    public void Dispose()
    {
        BeforeAttach.Dispose();
        Attached.Dispose();
        After.Dispose();
    }
}
