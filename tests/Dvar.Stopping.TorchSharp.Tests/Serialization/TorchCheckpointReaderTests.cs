using Dvar.Stopping.TorchSharp.Serialization;
using Dvar.Stopping.TorchSharp.Tests.Fixtures;
using Dvar.Testing;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Tests.Serialization;

/// <summary>
/// The PyTorch zip checkpoint reader against files torch.save wrote (tests/fixtures/torch-pickle, see its generate.py) and
/// hand-assembled hostile pickles in otherwise valid archives.
/// </summary>
public class TorchCheckpointReaderTests
{
    /// <summary>The keys of the real checkpoint in the order generate.py inserted them.</summary>
    private static readonly string[] RealKeys =
    [
        "linear.weight", "linear.bias", "half", "bfloat", "double", "long", "int", "mask", "bytes", "scalar", "empty",
        "shared.base", "shared.transposed", "shared.window", "shared.every_other", "shared.row",
    ];

    public static TheoryData<string, string> HostileFiles => new()
    {
        { "global_os_system", "the global 'os.system', which is not allowed" },
        { "global_posix_system", "the global 'posix.system', which is not allowed" },
        { "global_builtins_exec", "the global 'builtins.exec', which is not allowed" },
        { "global_builtins_eval", "the global 'builtins.eval', which is not allowed" },
        { "global_subprocess_popen", "the global 'subprocess.Popen', which is not allowed" },
        { "stack_global_os_system", "the global 'os.system', which is not allowed" },
        { "nested_reduce", "REDUCE on a dict: only allow-listed functions may be called" },
        { "reduce_storage_type", "REDUCE of torch.FloatStorage with a tuple of 1 is not accepted" },
        { "build_on_tensor", "BUILD of a tensor with a dict is not accepted" },
        { "opcode_inst", "opcode INST (0x69) is not accepted" },
        { "unknown_opcode", "at offset 3: unknown pickle opcode 0xff" },
        { "truncated_pickle", "inside the opcode at offset 3 (is the file truncated?)" },
        { "offset_beyond_storage", "reaches element 1003 of storage '0', which has 4 elements" },
        { "stride_beyond_storage", "reaches element 4 of storage '0', which has 4 elements" },
        { "negative_stride", "negative size, stride or offset" },
        { "huge_shape", "more elements than its storage '0' (4)" },
        { "numel_beyond_entry", "declared as 100 FloatStorage elements (4 bytes each) but 'archive/data/0' holds 16 bytes" },
        { "storage_type_mismatch", "declared as 4 DoubleStorage elements (8 bytes each) but 'archive/data/0' holds 16 bytes" },
        { "storage_key_traversal", "storage key '../version' is not a plain name" },
        { "storage_key_missing", "the archive has no 'archive/data/7'" },
        { "persistent_id_not_storage", "persistent id tag 'module' is not 'storage'" },
        { "top_level_list", "holds a list, not a state dict" },
        { "big_endian", "byteorder is 'big'" },
        { "truncated_zip", "not a readable zip archive" },
        { "no_data_pkl", "no '<name>/data.pkl'" },
    };

    public static TheoryData<string> RealFiles => new() { "pytorch_model.bin", "pytorch_model_protocol4.bin" };

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void ReadStateDict_TorchSaveFile_EqualsItsSafetensorsTwinBitForBit(string file)
    {
        var actual = TorchCheckpointReader.ReadStateDict(FixturePaths.Get("torch-pickle", file));
        var expected = SafetensorsFile.ReadAll(FixturePaths.Get("torch-pickle", "pytorch_model.safetensors"));
        try
        {
            Assert.Equal(RealKeys, actual.Keys);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, tensor) in actual)
            {
                var twin = expected[name];
                Assert.True(tensor.dtype == twin.dtype, $"{name}: dtype {tensor.dtype}, expected {twin.dtype}");
                Assert.True(tensor.shape.SequenceEqual(twin.shape), $"{name}: shape [{string.Join(", ", tensor.shape)}], expected [{string.Join(", ", twin.shape)}]");
                Assert.True(tensor.is_contiguous(), $"{name} is not contiguous");
                Assert.Equal(global::TorchSharp.DeviceType.CPU, tensor.device_type);
                Assert.True(tensor.bytes.SequenceEqual(twin.bytes), $"{name}: the bytes differ from the safetensors twin");
            }
        }
        finally
        {
            DisposeAll(actual);
            DisposeAll(expected);
        }
    }

    [Fact]
    public void ReadStateDict_ViewsOfOneStorage_AreIndependentCopies()
    {
        var tensors = TorchCheckpointReader.ReadStateDict(FixturePaths.Get("torch-pickle", "pytorch_model.bin"));
        try
        {
            using var before = tensors["shared.transposed"].clone();
            tensors["shared.base"].add_(1.0f);

            Assert.True(tensors["shared.transposed"].Equals(before), "writing one view changed another");
            Assert.Equal([8L, 6L], tensors["shared.transposed"].shape);
            Assert.Equal([3L, 4L], tensors["shared.window"].shape);
        }
        finally
        {
            DisposeAll(tensors);
        }
    }

    [Fact]
    public void ReadStateDict_KnownValues_MatchWhatPythonWrote()
    {
        var tensors = TorchCheckpointReader.ReadStateDict(FixturePaths.Get("torch-pickle", "pytorch_model.bin"));
        try
        {
            TensorAssert.Equal([-(1L << 40), -1, 0, 1, 1L << 40, 7], tensors["long"].flatten());
            TensorAssert.Equal([-5, 0, 5, 1L << 30], tensors["int"]);
            TensorAssert.Equal([1, 0, 1], tensors["mask"]);
            TensorAssert.Equal([0, 1, 255], tensors["bytes"]);
            Assert.Empty(tensors["scalar"].shape);
            Assert.Equal(3.5f, tensors["scalar"].item<float>());
            Assert.Equal([0L, 4L], tensors["empty"].shape);

            // shared.window is base[2:5, 3:7]; shared.every_other is base[::2, 1::3]; shared.row is base[4].
            var b = tensors["shared.base"];
            using var window = b[TensorIndex.Slice(2, 5), TensorIndex.Slice(3, 7)];
            using var everyOther = b[TensorIndex.Slice(null, null, 2), TensorIndex.Slice(1, null, 3)];
            using var row = b[4];
            Assert.True(tensors["shared.window"].Equals(window));
            Assert.True(tensors["shared.every_other"].Equals(everyOther));
            Assert.True(tensors["shared.row"].Equals(row));
            using var transposed = b.t();
            Assert.True(tensors["shared.transposed"].Equals(transposed));
        }
        finally
        {
            DisposeAll(tensors);
        }
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void ReadStateDict_HostileOrDamagedFile_IsRefusedNamingTheFileAndTheProblem(string name, string expectedText)
    {
        string marker = $"/tmp/dvar-pwned-{name}";
        File.Delete(marker);
        string path = FixturePaths.Get("torch-pickle", "hostile", name + ".bin");
        Assert.True(File.Exists(path), $"fixture {path} is missing; run tests/fixtures/torch-pickle/generate.py");

        var e = Assert.Throws<InvalidDataException>(() => DisposeAll(TorchCheckpointReader.ReadStateDict(path)));

        Assert.Contains(path, e.Message);
        Assert.True(e.Message.Contains(expectedText, StringComparison.Ordinal), $"{name}: message was \"{e.Message}\"");
        Assert.False(File.Exists(marker), $"{marker} appeared");
    }

    [Fact]
    public void ReadStateDict_HandWrittenArchiveWithByteOrderRecord_ReadsTheTensor()
    {
        var tensors = TorchCheckpointReader.ReadStateDict(FixturePaths.Get("torch-pickle", "hostile", "valid_little_endian.bin"));
        try
        {
            Assert.Equal(["w"], tensors.Keys);
            using var expected = tensor(new float[] { 1, 2, 3, 4 });
            Assert.True(tensors["w"].Equals(expected));
        }
        finally
        {
            DisposeAll(tensors);
        }
    }

    [Fact]
    public void ReadStateDict_NestedCheckpoint_IsRefusedNamingTheKey()
    {
        string path = FixturePaths.Get("torch-pickle", "nested_state_dict.bin");

        var e = Assert.Throws<InvalidDataException>(() => DisposeAll(TorchCheckpointReader.ReadStateDict(path)));

        Assert.Contains(path, e.Message);
        Assert.Contains("'state_dict' holds a dict, not a tensor: nested checkpoints", e.Message);
    }

    [Fact]
    public void ReadStateDict_LegacyNonZipFormat_IsRefused()
    {
        string path = FixturePaths.Get("torch-pickle", "legacy_format.bin");

        var e = Assert.Throws<InvalidDataException>(() => DisposeAll(TorchCheckpointReader.ReadStateDict(path)));

        Assert.Contains(path, e.Message);
        Assert.Contains("legacy torch.save format", e.Message);
    }

    [Fact]
    public void ReadStateDict_SafetensorsFile_IsRefusedAsNotAZip()
    {
        string path = FixturePaths.Get("torch-pickle", "pytorch_model.safetensors");

        var e = Assert.Throws<InvalidDataException>(() => DisposeAll(TorchCheckpointReader.ReadStateDict(path)));

        Assert.Contains("not a PyTorch zip checkpoint", e.Message);
    }

    [Fact]
    public void ReadStateDict_MissingFile_ThrowsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.bin");

        var e = Assert.Throws<FileNotFoundException>(() => TorchCheckpointReader.ReadStateDict(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ReadStateDict_ReadAndDispose_LeavesNoLiveTensors()
    {
        string path = FixturePaths.Get("torch-pickle", "pytorch_model.bin");
        string refused = FixturePaths.Get("torch-pickle", "hostile", "storage_key_missing.bin");

        LiveTensors.AssertNoGrowth(3, () =>
        {
            DisposeAll(TorchCheckpointReader.ReadStateDict(path));
            Assert.Throws<InvalidDataException>(() => TorchCheckpointReader.ReadStateDict(refused));
        });
    }

    private static void DisposeAll<T>(IEnumerable<KeyValuePair<string, T>> tensors)
        where T : IDisposable
    {
        foreach (var (_, tensor) in tensors)
        {
            tensor.Dispose();
        }
    }
}
