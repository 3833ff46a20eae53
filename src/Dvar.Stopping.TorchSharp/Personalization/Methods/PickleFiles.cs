namespace Dvar.Stopping.TorchSharp.Personalization.Methods;

/// <summary>
/// Recognises pickled PyTorch files (<c>torch.save</c>: <c>.pt</c>, <c>.pth</c>, <c>.bin</c>, <c>.ckpt</c>, or any file whose bytes start
/// like one), which this library refuses: unpickling can run arbitrary code.
/// </summary>
internal static class PickleFiles
{
    private static readonly string[] Extensions = [".pt", ".pth", ".bin", ".ckpt"];

    /// <summary>Throws when a file is (or is named like) a pickled PyTorch file.</summary>
    /// <param name="path">An existing file.</param>
    /// <exception cref="NotSupportedException">It is one; the message names it and says how to convert it.</exception>
    public static void ThrowIfPickle(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        // torch.save writes a zip archive ("PK\x03\x04") or, in the legacy format, a pickle starting with the PROTO opcode 0x80;
        // a safetensors file starts with its 8-byte header length (which may begin with 0x80), then '{'.
        bool zip = read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
        bool safetensorsHeader = read == 9 && head[8] == (byte)'{';
        bool legacyPickle = read >= 1 && head[0] == 0x80 && !safetensorsHeader;
        bool pickleName = Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
        if (zip || legacyPickle || pickleName)
        {
            throw new NotSupportedException(
                $"{path} is a pickled PyTorch file; pickles can run arbitrary code and are never loaded here. " +
                "Convert it to safetensors (e.g. torch.load it in a trusted Python session and save it with safetensors.torch.save_file).");
        }
    }
}
