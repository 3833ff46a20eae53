using FsCheck;
using FsCheck.Fluent;

namespace Dvar.Cli.Tests.Interleaving;

/// <summary>FsCheck generators: sequences of one to four runs on one folder, each a start, resume or overwrite, cancelled at
/// a step below the cap or not, and met by a second start, resume or overwrite at some step or not.</summary>
public static class InterleavingArbitraries
{
    /// <summary>The generator of interleavings.</summary>
    public static Arbitrary<FolderInterleaving> Interleaving()
    {
        var kind = Gen.Frequency(
            (3, Gen.Constant(FolderOperationKind.Start)),
            (3, Gen.Constant(FolderOperationKind.Resume)),
            (2, Gen.Constant(FolderOperationKind.Overwrite)));
        var step = Gen.Frequency(
            (2, Gen.Constant<int?>(null)),
            (3, Gen.Choose(0, RunInterleavingTests.MaxSteps - 1).Select(s => (int?)s)));
        var operation =
            from k in kind
            from cancel in step
            from second in Gen.Frequency((2, Gen.Constant<int?>(null)), (1, Gen.Choose(0, RunInterleavingTests.MaxSteps).Select(s => (int?)s)))
            from secondKind in Gen.Elements(FolderOperationKind.Start, FolderOperationKind.Resume, FolderOperationKind.Overwrite)
            select new FolderOperation(k, cancel, second, secondKind);
        return Gen.Choose(1, 4)
            .SelectMany(count => Gen.ArrayOf(operation, count))
            .Select(operations => new FolderInterleaving(operations))
            .ToArbitrary();
    }
}
