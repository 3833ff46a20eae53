using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>An exponential moving average of a module's parameters, the weights a diffusion model is usually shipped with.</summary>
internal sealed class ExponentialMovingAverage : IDisposable
{
    private readonly (string Name, Tensor Live, Tensor Average)[] _entries;
    private readonly double _decay;

    /// <summary>Starts the average at the module's current parameters.</summary>
    /// <param name="module">The module.</param>
    /// <param name="decay">The decay per update, e.g. 0.999.</param>
    public ExponentialMovingAverage(nn.Module module, double decay)
    {
        _decay = decay;
        using var noGrad = no_grad();
        _entries = [.. module.named_parameters().Select(p => (p.name, (Tensor)p.parameter, p.parameter.detach().clone()))];
    }

    /// <summary>Moves the average towards the live parameters.</summary>
    public void Update()
    {
        using var noGrad = no_grad();
        foreach (var (_, live, average) in _entries)
        {
            average.mul_(_decay).add_(live, 1 - _decay);
        }
    }

    /// <summary>The averaged parameters by state-dict name (owned by this object).</summary>
    /// <returns>The name to tensor pairs.</returns>
    public IEnumerable<KeyValuePair<string, Tensor>> Averaged() => _entries.Select(e => new KeyValuePair<string, Tensor>(e.Name, e.Average));

    /// <summary>Copies the averaged values into a module with the same parameter names.</summary>
    /// <param name="module">The module.</param>
    public void CopyTo(nn.Module module)
    {
        using var noGrad = no_grad();
        var averages = _entries.ToDictionary(e => e.Name, e => e.Average, StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            parameter.copy_(averages[name]);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var (_, _, average) in _entries)
        {
            average.Dispose();
        }
    }
}
