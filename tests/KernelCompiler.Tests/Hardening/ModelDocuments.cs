using CsCheck;

namespace KernelCompiler.Tests.Hardening;

/// <summary>What the model fuzzers start from: small valid models (every aggregation, with and without prototypes)
/// and 1 to 4 <see cref="JsonMutator"/> edits of their JSON text. Shared by the loader fuzzers here and the
/// generator fuzzer in KernelCompiler.Generators.Tests (linked).</summary>
public static class ModelDocuments
{
    public static readonly Gen<LutModel> ValidModels =
        from d in Gen.Int[1, 9]
        from m in Gen.Int[1, 4]
        from c in Gen.OneOfConst(1, 2, 3, 4, 8)
        from average in Gen.Bool
        from prototypes in Gen.Bool
        from seed in Gen.Int[0, 1_000_000]
        select RandomModels.Create(seed, d, m, c, average && c != 3 ? LutAggregation.Average : LutAggregation.Exact, prototypes);

    public static readonly Gen<Mutation[]> Mutations =
        Gen.Select(Gen.Int[0, Mutation.Kinds - 1], Gen.Int, Gen.Int, (k, a, b) => new Mutation(k, a, b)).Array[1, 4];
}
