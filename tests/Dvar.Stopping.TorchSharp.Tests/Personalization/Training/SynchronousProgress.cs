
namespace Dvar.Stopping.TorchSharp.Tests.Personalization.Training;

/// <summary>An <see cref="IProgress{T}"/> that runs its callback on the reporting thread (Progress&lt;T&gt; would post it).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
