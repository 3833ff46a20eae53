using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.StableDiffusion.Layers;

/// <summary>
/// A linear projection of a layer (<c>to_q</c>, <c>to_k</c>, <c>to_v</c>, <c>to_out.0</c> of <see cref="Attention"/>, <c>proj</c> of
/// <see cref="Geglu"/>) with one adapter slot: <c>y = W x + b</c>, or whatever the adapter in the slot computes from this
/// projection and <c>x</c> (LoRA, Custom Diffusion), as diffusers' attention processors change how a layer projects.
/// </summary>
/// <remarks>
/// <para>The layer registers its projections once and never swaps them, so a method changes a projection through its slot
/// instead of by replacing registered modules (which TorchSharp's public API does not support). State-dict keys are a
/// <c>Linear</c>'s, <c>weight</c> [out, in] and <c>bias</c> [out]; an adapter that has parameters registers them under its
/// own name (<see cref="Attach"/>, e.g. <c>lora.down.weight</c>) with <see cref="nn.Module.register_module"/>, and
/// <see cref="Detach"/> removes that name again, so the keys of everything else never change or move.</para>
/// <para>The weight and bias are created as <c>nn.Linear(in, out, hasBias)</c> creates them (the same random draws).</para>
/// </remarks>
internal sealed class Projection : nn.Module<Tensor, Tensor>
{
    // Fields (not readonly): Module.to(dtype/device) puts converted parameters back into them.
    private Parameter weight;
    private Parameter? bias;

    private IProjectionAdapter? _adapter;
    private string? _adapterModuleName;

    /// <summary>Builds the projection with <c>nn.Linear</c>'s initialisation.</summary>
    /// <param name="inFeatures">Input channels.</param>
    /// <param name="outFeatures">Output channels.</param>
    /// <param name="hasBias">Whether there is a bias.</param>
    internal Projection(long inFeatures, long outFeatures, bool hasBias)
        : base(nameof(Projection))
    {
        using var linear = nn.Linear(inFeatures, outFeatures, hasBias: hasBias);
        // Detached handles share the storage, which outlives the disposed layer.
        weight = new Parameter(linear.weight!.detach().DetachFromDisposeScope());
        bias = linear.bias is { } b ? new Parameter(b.detach().DetachFromDisposeScope()) : null;
        RegisterComponents();
    }

    /// <summary>The weight <c>[out, in]</c> (state-dict key <c>weight</c>).</summary>
    public Parameter Weight => weight;

    /// <summary>The bias <c>[out]</c> (state-dict key <c>bias</c>), or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>Input channels.</summary>
    public long InFeatures => weight.shape[1];

    /// <summary>Output channels.</summary>
    public long OutFeatures => weight.shape[0];

    /// <summary>The adapter in the slot, or null when the projection is plain <c>W x + b</c>.</summary>
    public IProjectionAdapter? Adapter => _adapter;

    /// <summary>Applies the adapter, or <see cref="Linear"/> when there is none.</summary>
    /// <param name="x">Input <c>[..., in]</c>.</param>
    /// <returns>Output <c>[..., out]</c>.</returns>
    public override Tensor forward(Tensor x) => _adapter is { } adapter ? adapter.Forward(this, x) : Linear(x);

    /// <summary>The plain projection <c>W x + b</c>, whatever the adapter.</summary>
    /// <param name="x">Input <c>[..., in]</c>, in the weight's dtype.</param>
    /// <returns>Output <c>[..., out]</c>.</returns>
    public Tensor Linear(Tensor x) => nn.functional.linear(x, weight, bias);

    /// <summary>Puts an adapter into the empty slot, registering its parameters (if any) under <paramref name="moduleName"/>.</summary>
    /// <param name="adapter">How the projection computes from now on.</param>
    /// <param name="moduleName">The state-dict name of <paramref name="module"/>, e.g. <c>lora</c>; a name this projection does not use.</param>
    /// <param name="module">The adapter's parameters, or null when it has none of its own.</param>
    /// <exception cref="InvalidOperationException">The slot holds an adapter already.</exception>
    public void Attach(IProjectionAdapter adapter, string? moduleName = null, nn.Module? module = null)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (_adapter is not null)
        {
            throw new InvalidOperationException($"The projection has an adapter already ({_adapter.GetType().Name}).");
        }

        if (module is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(moduleName);
            register_module(moduleName, module);
            _adapterModuleName = moduleName;
        }

        _adapter = adapter;
    }

    /// <summary>Empties the slot and unregisters the adapter's parameters; the caller owns (and disposes) them.</summary>
    /// <returns>The adapter removed, or null when the slot was empty.</returns>
    public IProjectionAdapter? Detach()
    {
        var adapter = _adapter;
        if (_adapterModuleName is { } name)
        {
            register_module(name, null!);
            _adapterModuleName = null;
        }

        _adapter = null;
        return adapter;
    }
}
