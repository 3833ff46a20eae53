using static TorchSharp.torch;

namespace Dvar.Toy.Pretraining;

/// <summary>Initialises a freshly built module from an explicit generator, as PyTorch's defaults would (TorchSharp leaves
/// some parameters, such as group-norm weights, uninitialised).</summary>
/// <remarks>One-dimensional weights (norms) become 1 and every bias 0; embedding tables are N(0, 0.02²) as in CLIP; every
/// other weight is U(−b, b) with b = 1/√fan_in, PyTorch's default for linear and convolution layers.</remarks>
internal static class ParameterInitializer
{
    /// <summary>Initialises every parameter of a module.</summary>
    /// <param name="module">The module.</param>
    /// <param name="generator">The generator all values are drawn from, in parameter order.</param>
    public static void Initialize(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            using var scope = NewDisposeScope();
            if (name.EndsWith("bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else if (parameter.dim() == 1)
            {
                parameter.fill_(1);
            }
            else if (name.Contains("embedding", StringComparison.Ordinal))
            {
                parameter.copy_(randn(parameter.shape, generator: generator) * 0.02);
            }
            else
            {
                long fanIn = parameter.numel() / parameter.shape[0];
                double bound = 1 / Math.Sqrt(fanIn);
                parameter.copy_((rand(parameter.shape, generator: generator) * 2 - 1) * bound);
            }
        }
    }
}
