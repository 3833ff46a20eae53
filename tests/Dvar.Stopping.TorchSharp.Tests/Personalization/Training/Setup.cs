using Dvar.Stopping.TorchSharp.Personalization.Data;
using Dvar.Stopping.TorchSharp.StableDiffusion.Pipeline;
using Dvar.Testing;

namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>A tiny pipeline with a test method attached and a toy concept in a temporary folder; disposes all of it.</summary>
internal sealed class Setup : IDisposable
{
    private Setup(TemporaryFolder folder, StableDiffusionPipeline pipeline, SingleParameterMethod method, ConceptData data)
    {
        Folder = folder;
        Pipeline = pipeline;
        Method = method;
        Data = data;
    }

    public TemporaryFolder Folder { get; }

    public StableDiffusionPipeline Pipeline { get; }

    public SingleParameterMethod Method { get; }

    public ConceptData Data { get; }

    /// <summary>The output folder for a trainer.</summary>
    public string Output => Path.Combine(Folder.Path, "output");

    public static Setup Create(SingleParameterMethod method, bool withClassImages = false, bool keepOriginals = false)
    {
        var folder = new TemporaryFolder();
        var (pipeline, attached) = SingleParameterMethod.Attached(method);
        var data = TinyConcept.Create(folder, withClassImages: withClassImages, keepOriginals: keepOriginals);
        return new Setup(folder, pipeline, attached, data);
    }

    public void Dispose()
    {
        Data.Dispose();
        Method.Dispose();
        Pipeline.Dispose();
        Folder.Dispose();
    }
}
