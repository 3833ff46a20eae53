using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Dvar.Cli.Tests.Architecture;

/// <summary>Finds, in a compiled assembly's IL, the calls that make a TorchSharp <c>Scalar</c> nobody holds: the implicit
/// conversions <c>Scalar.op_Implicit</c> and the <c>Tensor</c> operators with a number operand (which convert inside
/// TorchSharp). Such a Scalar can be finalized, and its native memory freed, while libtorch still reads it.</summary>
internal static class ImplicitScalarScan
{
    private static readonly ImmutableHashSet<string> NumberOperators =
        ["op_Addition", "op_Subtraction", "op_Multiply", "op_Division", "op_Modulus"];

    private static readonly ImmutableHashSet<string> Numbers =
        ["System.Int32", "System.Int64", "System.Single", "System.Double"];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Lists "Type.Method: callee" for every such call in the assembly at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> Find(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var found = new List<string>();
        foreach (var handle in md.MethodDefinitions)
        {
            var method = md.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            foreach (var callee in Callees(md, body.GetILBytes()!))
            {
                var owner = md.GetTypeDefinition(method.GetDeclaringType());
                found.Add($"{md.GetString(owner.Namespace)}.{md.GetString(owner.Name)}.{md.GetString(method.Name)}: {callee}");
            }
        }

        return found;
    }

    private static IEnumerable<string> Callees(MetadataReader md, byte[] il)
    {
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            var op = OpCodesByValue[value];
            at += op.Size;
            int operandSize = OperandSize(op, il, at);
            if (op.OperandType == OperandType.InlineMethod)
            {
                var token = MetadataTokens.EntityHandle(BitConverter.ToInt32(il, at));
                if (Describe(md, token) is { } banned)
                {
                    yield return banned;
                }
            }

            at += operandSize;
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };

    private static string? Describe(MetadataReader md, EntityHandle token)
    {
        if (token.Kind != HandleKind.MemberReference)
        {
            return null;
        }

        var member = md.GetMemberReference((MemberReferenceHandle)token);
        if (member.Parent.Kind != HandleKind.TypeReference)
        {
            return null;
        }

        var parent = md.GetTypeReference((TypeReferenceHandle)member.Parent);
        string type = md.GetString(parent.Name);
        string name = md.GetString(member.Name);
        var signature = member.DecodeMethodSignature(new TypeNames(md), genericContext: null);
        bool banned = (type, name) switch
        {
            ("Scalar", "op_Implicit") => true,
            // Tensor + Tensor and add(Tensor) pass an implicit alpha of 1 inside TorchSharp; addcdiv/addcmul a value of 1.
            ("Tensor", "op_Addition") => true,
            ("Tensor", "add" or "add_") => signature.ParameterTypes is ["Tensor"],
            ("Tensor", "addcdiv" or "addcdiv_" or "addcmul" or "addcmul_") => signature.ParameterTypes.Length == 2,
            ("Tensor", _) when NumberOperators.Contains(name) => signature.ParameterTypes.Any(Numbers.Contains),
            _ => false,
        };
        return banned ? $"{type}.{name}({string.Join(", ", signature.ParameterTypes)})" : null;
    }

    /// <summary>Names types in signatures; only primitive names matter here.</summary>
    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Int32 => "System.Int32",
            PrimitiveTypeCode.Int64 => "System.Int64",
            PrimitiveTypeCode.Single => "System.Single",
            PrimitiveTypeCode.Double => "System.Double",
            _ => typeCode.ToString(),
        };

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => md.GetString(md.GetTypeReference(handle).Name);

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => md.GetString(md.GetTypeDefinition(handle).Name);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => "spec";

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;
    }
}
