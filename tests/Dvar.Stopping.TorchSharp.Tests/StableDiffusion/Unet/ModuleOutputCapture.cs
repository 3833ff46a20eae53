using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.StableDiffusion.Unet;

/// <summary>Records the output of the module at a diffusers path during the next forward passes (a forward hook), to compare intermediates.</summary>
internal sealed class ModuleOutputCapture : IDisposable
{
    private readonly Action removeHook;
    private Tensor? output;

    public ModuleOutputCapture(nn.Module root, string path)
    {
        var module = root.named_modules().Single(m => m.name == path).module;
        removeHook = module switch
        {
            nn.Module<Tensor, Tensor> m => m.register_forward_hook((_, _, result) => Keep(result)).remove,
            nn.Module<Tensor, Tensor?, Tensor> m => m.register_forward_hook((_, _, _, result) => Keep(result)).remove,
            nn.Module<Tensor, Tensor, Tensor, Tensor> m => m.register_forward_hook((_, _, _, _, result) => Keep(result)).remove,
            nn.Module<Tensor, Tensor, Tensor, (Tensor HiddenStates, Tensor[] OutputStates)> m =>
                m.register_forward_hook((_, _, _, _, result) => { Keep(result.HiddenStates); return result; }).remove,
            nn.Module<Tensor, Tensor[], Tensor, Tensor, Tensor> m => m.register_forward_hook((_, _, _, _, _, result) => Keep(result)).remove,
            _ => throw new NotSupportedException($"{path}: no hook for {module.GetType().Name}."),
        };
    }

    /// <summary>The output of the last call.</summary>
    public Tensor Output => output ?? throw new InvalidOperationException("The module was not called.");

    public void Dispose()
    {
        removeHook();
        output?.Dispose();
    }

    private Tensor Keep(Tensor result)
    {
        output?.Dispose();
        output = result.detach().clone().DetachFromDisposeScope();
        return result;
    }
}
