namespace Dvar.Cli.Models;

/// <summary>The values of <c>--dtype</c>: the floating type of the frozen model weights.</summary>
internal enum ModelDtype
{
    /// <summary><c>float32</c> (default).</summary>
    Float32,

    /// <summary><c>float16</c>: half the memory; for CUDA.</summary>
    Float16,

    /// <summary><c>bfloat16</c>: float32's range at lower precision.</summary>
    BFloat16,
}
