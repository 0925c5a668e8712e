// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The AVX2 block path as C#: 32 rows a block, 8 floats a vector, an 8-lane permute selects thresholds.
    /// Its IL twin is <c>IlAvx2PathEmitter</c>.</summary>
    internal sealed class CSharpAvx2PathWriter : CSharpVectorPathWriter
    {
        public static readonly CSharpAvx2PathWriter Instance = new CSharpAvx2PathWriter();

        private CSharpAvx2PathWriter()
            : base(KernelPath.Avx2)
        {
        }

        public override string VectorType => "Vector256";

        public override string SelectThreshold(KernelPlan plan, CSharpKernelWriter.Codebook c, int level)
            => "Avx2.PermuteVar8x32(" + ThresholdLanes(plan, c, level) + ", node)";

        // Eight int lanes narrowed twice to eight bytes, written as one ulong.
        public override string StoreNodes(string offset)
            => "Unsafe.WriteUnaligned(ref Unsafe.Add(ref block, " + offset +
                " + row), Vector128.Narrow(Vector128.Narrow(node.GetLower(), node.GetUpper()), Vector128<short>.Zero).AsUInt64().ToScalar())";

        public override string Lookup(string table, string codes)
            => "Avx2.Shuffle(Vector256.Create(Vector128.LoadUnsafe(ref " + table + ")), Vector256.LoadUnsafe(ref " + codes + "))";

        public override string Average => "Avx2.Average";
    }
}
