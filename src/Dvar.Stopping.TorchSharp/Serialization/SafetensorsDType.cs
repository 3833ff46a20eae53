using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>The safetensors dtype names this library reads and writes, and their TorchSharp element types.</summary>
internal static class SafetensorsDType
{
    /// <summary>The dtype names accepted in a header, for error messages.</summary>
    public const string Supported = "F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL";

    /// <summary>Maps a header dtype name to its element type and size in bytes.</summary>
    /// <returns>False when the name is not one of <see cref="Supported"/>.</returns>
    public static bool TryParse(string name, out ScalarType type, out int size)
    {
        (type, size) = name switch
        {
            "F64" => (ScalarType.Float64, 8),
            "F32" => (ScalarType.Float32, 4),
            "F16" => (ScalarType.Float16, 2),
            "BF16" => (ScalarType.BFloat16, 2),
            "I64" => (ScalarType.Int64, 8),
            "I32" => (ScalarType.Int32, 4),
            "I16" => (ScalarType.Int16, 2),
            "I8" => (ScalarType.Int8, 1),
            "U8" => (ScalarType.Byte, 1),
            "BOOL" => (ScalarType.Bool, 1),
            _ => (ScalarType.Float32, 0),
        };
        return size != 0;
    }

    /// <summary>Returns the header name of an element type.</summary>
    /// <exception cref="NotSupportedException">The element type has no safetensors name supported here.</exception>
    public static string NameOf(ScalarType type) => type switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"Element type {type} cannot be stored in safetensors; supported: {Supported}."),
    };
}
