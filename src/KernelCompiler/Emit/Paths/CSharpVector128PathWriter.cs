// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit.Paths
{
    /// <summary>The 128-bit block path as C# (SSSE3 on x86, AdvSimd on Arm64): 16 rows a block, 4 floats a vector.
    /// There is no eight-lane permute, so deeper thresholds are selected by a tree of selects on the earlier levels'
    /// masks; the lookup and the average are helpers that pick the x86 or the Arm64 instruction. Its IL twin is
    /// <c>IlVector128PathEmitter</c>.</summary>
    internal sealed class CSharpVector128PathWriter : CSharpVectorPathWriter
    {
        public static readonly CSharpVector128PathWriter Instance = new CSharpVector128PathWriter();

        private CSharpVector128PathWriter()
            : base(KernelPath.Vector128)
        {
        }

        public override string VectorType => "Vector128";

        public override bool KeepsLevelMasks => true;

        public override string SelectThreshold(KernelPlan plan, CSharpKernelWriter.Codebook c, int level)
            => SelectTree(plan, c, level, 0, 0);

        // The threshold of node 'prefix' at 'depth' decisions: mask_depth picks the right (1) or the left (0) subtree.
        private static string SelectTree(KernelPlan plan, CSharpKernelWriter.Codebook c, int level, int depth, int prefix)
        {
            if (depth == level)
            {
                return "Vector128.Create(" + CSharpKernelWriter.Lane(plan, c, level, prefix) + ")";
            }

            return "Vector128.ConditionalSelect(mask" + CSharpKernelWriter.Int(depth) + ", " + SelectTree(plan, c, level, depth + 1, prefix * 2 + 1) +
                ", " + SelectTree(plan, c, level, depth + 1, prefix * 2) + ")";
        }

        // Four int lanes narrowed twice to four bytes, written as one uint.
        public override string StoreNodes(string offset)
            => "Unsafe.WriteUnaligned(ref Unsafe.Add(ref block, " + offset +
                " + row), Vector128.Narrow(Vector128.Narrow(node, node), Vector128<short>.Zero).AsUInt32().ToScalar())";

        public override string Lookup(string table, string codes)
            => "Lookup128(Vector128.LoadUnsafe(ref " + table + "), Vector128.LoadUnsafe(ref " + codes + "))";

        public override string Average => "Average128";

        public override void WriteSupport(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            w.Line("// The 128-bit path's two instructions that differ between x86 and Arm64.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line("private static Vector128<byte> Lookup128(Vector128<byte> table, Vector128<byte> codes)");
            w.Line("    => Ssse3.IsSupported ? Ssse3.Shuffle(table, codes) : AdvSimd.Arm64.VectorTableLookup(table, codes);");
            w.Line();
            if (plan.IsAverage)
            {
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Line("private static Vector128<byte> Average128(Vector128<byte> left, Vector128<byte> right)");
                w.Line("    => Sse2.IsSupported ? Sse2.Average(left, right) : AdvSimd.FusedAddRoundedHalving(left, right);");
                w.Line();
            }
        }
    }
}
