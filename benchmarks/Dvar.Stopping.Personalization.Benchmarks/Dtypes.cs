using static TorchSharp.torch;

namespace Dvar.Stopping.Personalization.Benchmarks;

/// <summary>The --dtype names (PyTorch's) and their libtorch types.</summary>
internal static class Dtypes
{
    public static ScalarType Parse(string name) => name switch
    {
        "float16" => ScalarType.Float16,
        "bfloat16" => ScalarType.BFloat16,
        _ => ScalarType.Float32,
    };

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => dtype.ToString(),
    };
}
