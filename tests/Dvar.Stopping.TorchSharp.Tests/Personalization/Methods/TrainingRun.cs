using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Methods;

/// <summary>Attaches a method and runs one <see cref="TrainingStep"/>, with state snapshots before attaching, after attaching and after the step.</summary>
/// <param name="BeforeAttach">The pipeline's state before the method was attached.</param>
/// <param name="Attached">The state right after attaching.</param>
/// <param name="After">The state after the training step.</param>
/// <param name="Loss">The step's training loss.</param>
internal sealed record TrainingRun(StateSnapshot BeforeAttach, StateSnapshot Attached, StateSnapshot After, double Loss) : IDisposable
{
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
