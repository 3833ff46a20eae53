using Dvar.Cli.Models;
using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.Personalization.Methods;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;

namespace Dvar.Cli.Training;

/// <summary>The second copy of the model that L_det is computed on when <c>--eval-dtype</c> differs from <c>--dtype</c>: the
/// same folder loaded in the evaluation type, with its own instance of the method (the trainer copies the trained parameters
/// into it before every evaluation; see <c>PersonalizationTrainerOptions.EvaluationMethod</c>).</summary>
internal sealed class EvaluationCopy : IDisposable
{
    private readonly StableDiffusionPipeline _pipeline;

    private EvaluationCopy(StableDiffusionPipeline pipeline, PersonalizationMethod method)
    {
        _pipeline = pipeline;
        Method = method;
    }

    /// <summary>The method attached to the copy.</summary>
    public PersonalizationMethod Method { get; }

    /// <summary>The type L_det is computed in: <c>--eval-dtype</c>, else float32 on the CPU (where a bfloat16 L_det moved a
    /// demo stop by 543 steps and memory is rarely short, docs/performance.md), else <c>--dtype</c> (a GPU, where a second
    /// float32 copy may not fit).</summary>
    /// <param name="request">The request.</param>
    /// <returns>The type.</returns>
    public static ModelDtype EvaluationDtype(TrainRequest request) =>
        request.EvaluationDtype ?? (request.Model.Device == "cpu" ? ModelDtype.Float32 : request.Model.Dtype);

    /// <summary>Loads the copy, or returns null when L_det is computed on the training pipeline itself: the evaluation type
    /// (<see cref="EvaluationDtype"/>) is <c>--dtype</c>, or the run evaluates nothing.</summary>
    /// <param name="request">The request.</param>
    /// <param name="templates">The caption templates the trained method was built with, or null for its default.</param>
    /// <param name="evaluates">Whether the run evaluates L_det at all.</param>
    /// <returns>The copy, or null.</returns>
    public static EvaluationCopy? Load(TrainRequest request, PromptTemplateSet? templates, bool evaluates)
    {
        var dtype = EvaluationDtype(request);
        if (!evaluates || dtype == request.Model.Dtype)
        {
            return null;
        }

        var pipeline = PipelineLoader.Load(request.Model with { Dtype = dtype });
        PersonalizationMethod? method = null;
        try
        {
            method = MethodBuilder.Create(request, templates);
            method.Attach(pipeline);
            return new EvaluationCopy(pipeline, method);
        }
        catch
        {
            method?.Dispose();
            pipeline.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the method and the pipeline.</summary>
    public void Dispose()
    {
        Method.Dispose();
        _pipeline.Dispose();
    }
}
