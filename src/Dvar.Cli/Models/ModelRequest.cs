namespace Dvar.Cli.Models;

/// <summary>Which diffusers folder to load, where and how (torch-free: <c>--model</c>, <c>--device</c>, <c>--dtype</c>, <c>--variant</c>, <c>--threads</c>).</summary>
/// <param name="Folder">The diffusers Stable Diffusion folder.</param>
/// <param name="Device">The device as given: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</param>
/// <param name="Dtype">The weights' floating type.</param>
/// <param name="Variant">The weights variant (e.g. <c>fp16</c>), or null for the plain files.</param>
/// <param name="Threads">libtorch's intra-op CPU threads (<c>--threads</c>), or null for its default (one per core).</param>
internal sealed record ModelRequest(string Folder, string Device, ModelDtype Dtype, string? Variant, int? Threads = null);
