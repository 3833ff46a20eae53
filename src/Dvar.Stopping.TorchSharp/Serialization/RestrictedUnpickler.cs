using System.Buffers.Binary;
using System.Text;
using static TorchSharp.torch;

namespace Dvar.Stopping.TorchSharp.Serialization;

/// <summary>
/// Reads the pickle of a <c>torch.save</c> state dict into plain values, interpreting (never executing) an allow-list of
/// globals.
/// </summary>
/// <remarks>
/// <para>
/// A Python unpickler imports any <c>module.name</c> a GLOBAL opcode names and REDUCE calls it with any arguments, which is
/// how a pickle runs code. This one has no Python to run, and goes further: a GLOBAL or STACK_GLOBAL naming anything but
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c> / <c>_rebuild_tensor</c> /
/// <c>_rebuild_parameter</c> or a <c>torch.*Storage</c> type fails at the offset where it is read; REDUCE accepts only the
/// three rebuild functions and <c>OrderedDict()</c>, with arguments of the exact types torch writes, so the result of a call
/// can never be called; BUILD only drops the attributes of a dict (a state dict's <c>_metadata</c>); a persistent id must be
/// torch's <c>('storage', type, key, location, numel)</c>. Opcodes outside protocols 2 and 4's binary subset (INST, OBJ,
/// NEWOBJ, EXT*, the text opcodes, ...) and unknown bytes fail naming the opcode and its offset.
/// </para>
/// <para>Tensors are returned as <see cref="TensorRef"/> descriptions; nothing is read or allocated for them here.</para>
/// </remarks>
internal sealed class RestrictedUnpickler
{
    /// <summary>The allow-listed globals, for messages.</summary>
    public const string AllowedGlobals =
        "collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor, torch._utils._rebuild_parameter " +
        "and the torch.*Storage types (Double, Float, Half, BFloat16, Long, Int, Short, Char, Byte, Bool)";

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);
    private int _position;
    private int _opcodeOffset;

    private RestrictedUnpickler(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>Reads a whole pickle.</summary>
    /// <param name="data">The pickle's bytes.</param>
    /// <param name="source">The file and entry, for messages (e.g. <c>model.bin (archive/data.pkl)</c>).</param>
    /// <returns>The unpickled object: a <see cref="PickleDict"/>, <see cref="TensorRef"/>, string, long, ...</returns>
    /// <exception cref="InvalidDataException">The pickle uses anything outside the allow-list, or is malformed; the message names
    /// <paramref name="source"/>, the offset and the opcode or global.</exception>
    public static object? Load(byte[] data, string source) => new RestrictedUnpickler(data, source).Run();

    /// <summary>Maps a storage class name (<c>FloatStorage</c>) to its element type; null when it is not a known storage.</summary>
    public static TorchStorageType? StorageTypeOf(string name) => name switch
    {
        "DoubleStorage" => new(name, ScalarType.Float64, 8),
        "FloatStorage" => new(name, ScalarType.Float32, 4),
        "HalfStorage" => new(name, ScalarType.Float16, 2),
        "BFloat16Storage" => new(name, ScalarType.BFloat16, 2),
        "LongStorage" => new(name, ScalarType.Int64, 8),
        "IntStorage" => new(name, ScalarType.Int32, 4),
        "ShortStorage" => new(name, ScalarType.Int16, 2),
        "CharStorage" => new(name, ScalarType.Int8, 1),
        "ByteStorage" => new(name, ScalarType.Byte, 1),
        "BoolStorage" => new(name, ScalarType.Bool, 1),
        _ => null,
    };

    private static PickleGlobal? Resolve(string module, string name) => (module, name) switch
    {
        ("collections", "OrderedDict") => new("collections.OrderedDict", PickleGlobalKind.OrderedDict, null),
        ("torch._utils", "_rebuild_tensor_v2") => new("torch._utils._rebuild_tensor_v2", PickleGlobalKind.RebuildTensorV2, null),
        ("torch._utils", "_rebuild_tensor") => new("torch._utils._rebuild_tensor", PickleGlobalKind.RebuildTensor, null),
        ("torch._utils", "_rebuild_parameter") => new("torch._utils._rebuild_parameter", PickleGlobalKind.RebuildParameter, null),
        ("torch", _) when StorageTypeOf(name) is { } storage => new($"torch.{name}", PickleGlobalKind.StorageType, storage),
        _ => null,
    };

    private object? Run()
    {
        while (true)
        {
            _opcodeOffset = _position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: // PROTO
                    byte protocol = ReadByte();
                    if (protocol is < 2 or > 5)
                    {
                        throw Fail($"pickle protocol {protocol} is not read (torch.save writes protocol 2, or 4 when asked)");
                    }

                    break;
                case 0x95: // FRAME: a read-ahead hint; the whole pickle is in memory
                    long frame = (long)ReadUInt64();
                    if (frame < 0 || frame > _data.Length - _position)
                    {
                        throw Truncated();
                    }

                    break;
                case (byte)'.': // STOP
                    var result = Pop();
                    if (_stack.Count != 0 || _marks.Count != 0)
                    {
                        throw Fail("STOP with values or marks left on the stack");
                    }

                    return result;
                case (byte)'(': // MARK
                    _marks.Add(_stack.Count);
                    break;
                case (byte)'}': // EMPTY_DICT
                    Push(new PickleDict());
                    break;
                case (byte)']': // EMPTY_LIST
                    Push(new List<object?>());
                    break;
                case (byte)')': // EMPTY_TUPLE
                    Push(new PickleTuple([]));
                    break;
                case (byte)'d': // DICT
                    var dict = new PickleDict();
                    SetItems(dict, PopMark());
                    Push(dict);
                    break;
                case (byte)'l': // LIST
                    Push(PopMark());
                    break;
                case (byte)'t': // TUPLE
                    Push(new PickleTuple(PopMark()));
                    break;
                case 0x85: // TUPLE1
                    Push(new PickleTuple(PopN(1)));
                    break;
                case 0x86: // TUPLE2
                    Push(new PickleTuple(PopN(2)));
                    break;
                case 0x87: // TUPLE3
                    Push(new PickleTuple(PopN(3)));
                    break;
                case (byte)'X': // BINUNICODE
                    Push(ReadString(ReadUInt32()));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    Push(ReadString(ReadByte()));
                    break;
                case 0x8d: // BINUNICODE8
                    Push(ReadString(ReadUInt64()));
                    break;
                case (byte)'J': // BININT
                    Push((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4)));
                    break;
                case (byte)'K': // BININT1
                    Push((long)ReadByte());
                    break;
                case (byte)'M': // BININT2
                    Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)));
                    break;
                case 0x8a: // LONG1
                    Push(ReadLong1());
                    break;
                case (byte)'G': // BINFLOAT
                    Push(BinaryPrimitives.ReadDoubleBigEndian(Take(8)));
                    break;
                case (byte)'N': // NONE
                    Push(null);
                    break;
                case 0x88: // NEWTRUE
                    Push(true);
                    break;
                case 0x89: // NEWFALSE
                    Push(false);
                    break;
                case (byte)'s': // SETITEM
                    var setValue = PopN(2);
                    SetItems(Top<PickleDict>("SETITEM"), setValue);
                    break;
                case (byte)'u': // SETITEMS
                    var items = PopMark();
                    SetItems(Top<PickleDict>("SETITEMS"), items);
                    break;
                case (byte)'a': // APPEND
                    var appended = Pop();
                    Top<List<object?>>("APPEND").Add(appended);
                    break;
                case (byte)'e': // APPENDS
                    var appends = PopMark();
                    Top<List<object?>>("APPENDS").AddRange(appends);
                    break;
                case (byte)'q': // BINPUT
                    _memo[ReadByte()] = Peek();
                    break;
                case (byte)'r': // LONG_BINPUT
                    _memo[ReadUInt32()] = Peek();
                    break;
                case 0x94: // MEMOIZE
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h': // BINGET
                    Push(Get(ReadByte()));
                    break;
                case (byte)'j': // LONG_BINGET
                    Push(Get(ReadUInt32()));
                    break;
                case (byte)'0': // POP
                    Pop();
                    break;
                case (byte)'1': // POP_MARK
                    PopMark();
                    break;
                case (byte)'c': // GLOBAL
                    string module = ReadLine();
                    string name = ReadLine();
                    Push(Allow(module, name));
                    break;
                case 0x93: // STACK_GLOBAL
                    var names = PopN(2);
                    if (names[0] is not string stackModule || names[1] is not string stackName)
                    {
                        throw Fail("STACK_GLOBAL needs two strings on the stack");
                    }

                    Push(Allow(stackModule, stackName));
                    break;
                case (byte)'Q': // BINPERSID
                    Push(PersistentLoad(Pop()));
                    break;
                case (byte)'R': // REDUCE
                    var args = Pop();
                    var callable = Pop();
                    Push(Reduce(callable, args));
                    break;
                case (byte)'b': // BUILD
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                default:
                    throw Fail(OpcodeName(op) is { } known
                        ? $"opcode {known} (0x{op:x2}) is not accepted in a torch.save state dict"
                        : $"unknown pickle opcode 0x{op:x2}");
            }
        }
    }

    private PickleGlobal Allow(string module, string name) =>
        Resolve(module, name)
        ?? throw Fail($"the pickle refers to the global '{module}.{name}', which is not allowed; only {AllowedGlobals} are read, so nothing was loaded");

    private object Reduce(object? callable, object? args)
    {
        if (callable is not PickleGlobal global)
        {
            throw Fail($"REDUCE on {Describe(callable)}: only allow-listed functions may be called");
        }

        if (args is not PickleTuple tuple)
        {
            throw Fail($"REDUCE of {global.QualifiedName} with {Describe(args)} instead of an argument tuple");
        }

        var a = tuple.Items;
        switch (global.Kind)
        {
            case PickleGlobalKind.OrderedDict when a.Count == 0:
                return new PickleDict();
            case PickleGlobalKind.RebuildTensorV2 when a.Count is 6 or 7:
                if (a[4] is not bool || !IsEmptyDict(a[5]) || (a.Count == 7 && a[6] is not null && !IsEmptyDict(a[6])))
                {
                    throw Fail($"{global.QualifiedName} needs (storage, offset, size, stride, requires_grad, empty backward_hooks[, no metadata]); got {Describe(args)}");
                }

                return Tensor(global, a);
            case PickleGlobalKind.RebuildTensor when a.Count == 4:
                return Tensor(global, a);
            case PickleGlobalKind.RebuildParameter when a.Count == 3 && a[0] is TensorRef data && a[1] is bool && IsEmptyDict(a[2]):
                return data;
            default:
                throw Fail($"REDUCE of {global.QualifiedName} with {Describe(args)} is not accepted");
        }
    }

    private TensorRef Tensor(PickleGlobal global, IReadOnlyList<object?> a)
    {
        if (a[0] is not StorageRef storage || a[1] is not long offset || IntTuple(a[2]) is not { } shape || IntTuple(a[3]) is not { } stride)
        {
            throw Fail($"{global.QualifiedName} needs (storage, int offset, int tuple size, int tuple stride, ...); got {Describe(new PickleTuple(a))}");
        }

        if (shape.Length != stride.Length)
        {
            throw Fail($"{global.QualifiedName}: size has {shape.Length} dimensions but stride has {stride.Length}");
        }

        return new TensorRef(storage, offset, shape, stride);
    }

    private StorageRef PersistentLoad(object? pid)
    {
        if (pid is not PickleTuple { Items: [string tag, PickleGlobal { Storage: { } type }, string key, string, long numel] })
        {
            throw Fail($"persistent id {Describe(pid)} is not torch's ('storage', torch.<Type>Storage, key, location, numel)");
        }

        if (tag != "storage")
        {
            throw Fail($"persistent id tag '{tag}' is not 'storage'");
        }

        if (key.Length == 0 || key.Length > 64 || !key.All(char.IsAsciiLetterOrDigit))
        {
            throw Fail($"storage key '{key}' is not a plain name of an entry under data/");
        }

        if (numel < 0)
        {
            throw Fail($"storage '{key}' claims {numel} elements");
        }

        var storage = new StorageRef(type, key, numel);
        if (_storages.TryGetValue(key, out var earlier))
        {
            if (earlier != storage)
            {
                throw Fail($"storage '{key}' is declared as {earlier.Type.Name} of {earlier.Numel} elements and as {type.Name} of {numel}");
            }

            return earlier;
        }

        _storages.Add(key, storage);
        return storage;
    }

    private void Build(object? target, object? state)
    {
        // A state dict's attributes (its _metadata: per-module version numbers) arrive as BUILD with a dict; they say
        // nothing about the tensors and are dropped. Any other BUILD would be a __setstate__ call in Python.
        if (target is PickleDict && state is PickleDict)
        {
            return;
        }

        throw Fail($"BUILD of {Describe(target)} with {Describe(state)} is not accepted (only a dict's attributes are)");
    }

    private void SetItems(PickleDict dict, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Fail("SETITEMS with an odd number of values");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            if (items[i] is not (string or long))
            {
                throw Fail($"dict key {Describe(items[i])} is not a string or an integer");
            }

            dict.Entries[items[i]!] = items[i + 1];
        }
    }

    private static bool IsEmptyDict(object? value) => value is PickleDict { Entries.Count: 0 };

    private static long[]? IntTuple(object? value)
    {
        if (value is not PickleTuple tuple)
        {
            return null;
        }

        var result = new long[tuple.Items.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (tuple.Items[i] is not long item)
            {
                return null;
            }

            result[i] = item;
        }

        return result;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => s.Length > 40 ? $"a string '{s[..40]}...'" : $"the string '{s}'",
        long l => $"the integer {l}",
        bool b => b ? "True" : "False",
        double d => $"the float {d}",
        PickleGlobal g => g.QualifiedName,
        PickleTuple t => $"a tuple of {t.Items.Count}",
        PickleDict => "a dict",
        List<object?> => "a list",
        StorageRef s => $"storage '{s.Key}'",
        TensorRef => "a tensor",
        _ => value.GetType().Name,
    };

    private T Top<T>(string opcode)
        where T : class
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
        {
            throw Fail($"{opcode} with nothing to update");
        }

        return _stack[^1] as T ?? throw Fail($"{opcode} on {Describe(_stack[^1])}");
    }

    private void Push(object? value) => _stack.Add(value);

    private object? Peek()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks[^1] == _stack.Count))
        {
            throw Fail("the stack is empty");
        }

        return _stack[^1];
    }

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private List<object?> PopN(int count)
    {
        int floor = _marks.Count > 0 ? _marks[^1] : 0;
        if (_stack.Count - floor < count)
        {
            throw Fail($"needs {count} values on the stack");
        }

        var items = _stack.GetRange(_stack.Count - count, count);
        _stack.RemoveRange(_stack.Count - count, count);
        return items;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
        {
            throw Fail("no MARK to pop to");
        }

        int mark = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(mark, _stack.Count - mark);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private object? Get(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw Fail($"memo entry {index} was never stored");

    private byte ReadByte() => Take(1)[0];

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    private long ReadLong1()
    {
        int length = ReadByte();
        if (length > 8)
        {
            throw Fail($"LONG1 of {length} bytes does not fit a 64-bit integer");
        }

        var bytes = Take(length);
        long value = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            value = (value << 8) | bytes[i];
        }

        // Sign-extend from the top byte (two's complement, little-endian).
        if (length is > 0 and < 8 && (bytes[length - 1] & 0x80) != 0)
        {
            value -= 1L << (8 * length);
        }

        return value;
    }

    private string ReadString(ulong length)
    {
        if (length > (ulong)(_data.Length - _position))
        {
            throw Truncated();
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Take((int)length));
        }
        catch (DecoderFallbackException e)
        {
            throw Fail($"a string is not valid UTF-8 ({e.Message})");
        }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0 || end - _position > 256)
        {
            throw Fail("GLOBAL name without a line end within 256 bytes");
        }

        string line = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return line;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw Truncated();
        }

        var span = new ReadOnlySpan<byte>(_data, _position, count);
        _position += count;
        return span;
    }

    private InvalidDataException Truncated() =>
        new($"{_source}: the pickle ends at byte {_data.Length}, inside the opcode at offset {_opcodeOffset} (is the file truncated?).");

    private InvalidDataException Fail(string problem) =>
        new($"{_source}: at offset {_opcodeOffset}: {problem}. Refused: pickles can run code, so only torch.save state dicts of tensors are read.");

    private static string? OpcodeName(byte op) => op switch
    {
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        0x82 => "EXT1",
        0x83 => "EXT2",
        0x84 => "EXT4",
        (byte)'P' => "PERSID",
        (byte)'I' => "INT",
        (byte)'L' => "LONG",
        0x8b => "LONG4",
        (byte)'F' => "FLOAT",
        (byte)'S' => "STRING",
        (byte)'T' => "BINSTRING",
        (byte)'U' => "SHORT_BINSTRING",
        (byte)'V' => "UNICODE",
        (byte)'B' => "BINBYTES",
        (byte)'C' => "SHORT_BINBYTES",
        0x8e => "BINBYTES8",
        0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        (byte)'p' => "PUT",
        (byte)'g' => "GET",
        (byte)'2' => "DUP",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        _ => null,
    };
}
