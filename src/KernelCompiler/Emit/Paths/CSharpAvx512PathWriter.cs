// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The AVX-512 (BW) block path as C#: 64 rows a block, 16 floats a vector, a 16-lane permute selects
    /// thresholds. Its IL twin is <c>IlAvx512PathEmitter</c>.</summary>
    internal sealed class CSharpAvx512PathWriter : CSharpVectorPathWriter
    {
        public static readonly CSharpAvx512PathWriter Instance = new CSharpAvx512PathWriter();

        private CSharpAvx512PathWriter()
            : base(KernelPath.Avx512)
        {
        }

        public override string VectorType => "Vector512";

        // Nodes are below 8, so the permute reads only the low eight lanes.
        public override string SelectThreshold(KernelPlan plan, CSharpKernelWriter.Codebook c, int level)
            => "Avx512F.PermuteVar16x32(Vector512.Create(" + ThresholdLanes(plan, c, level) + "), node)";

        public override string StoreNodes(string offset)
            => "Avx512F.ConvertToVector128Byte(node).StoreUnsafe(ref block, (nuint)(" + offset + " + row))";

        public override string Lookup(string table, string codes)
            => "Avx512BW.Shuffle(Vector512.Create(Vector128.LoadUnsafe(ref " + table + ")), Vector512.LoadUnsafe(ref " + codes + "))";

        public override string Average => "Avx512BW.Average";
    }
}
