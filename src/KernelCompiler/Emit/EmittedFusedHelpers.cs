using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The helpers of the generated FusedSteps (Level, RowValues; see CSharpKernelWriter.Fused.cs), for the fused steps
    /// IlKernelEmitter.Fused.cs emits: they call these as the generated steps call theirs, so the IL, the JIT's inlining
    /// and the machine code are the same. Calls, not inline IL: written out, the tree walk of 48 or more codebooks
    /// passes the IL size at which the JIT compiles a method with minimal optimisation. One addition: AggressiveOptimization,
    /// so calls the JIT leaves un-inlined (its inlining budget ran out on RowValues in EncodeRows from C = 16; RowValues
    /// now serves only rows narrower than 16 floats, see RowGather) run optimised code from the first call instead of
    /// tier-0 code until tiering catches up; it does not change what is inlined.
    /// </summary>
    internal static class EmittedFusedHelpers
    {
        /// <summary>One tree level for 16 rows: each lane's threshold picked by its node so far (vpermps reads its low
        /// four bits), and a decision to go right (threshold &lt;= value: false for NaN) adds this level's bit
        /// (8 &gt;&gt; level, in every lane of <paramref name="bit"/>) in one masked add.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static Vector512<int> Level(Vector512<int> node, Vector512<float> value, Vector512<float> thresholds, Vector512<int> bit)
        {
            return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(thresholds, node), value).AsInt32(), node + bit, node);
        }

        /// <summary>Row-major input narrower than 16 floats (D &lt; 16): one split dimension of the tile's 16 rows,
        /// <paramref name="inputDimension"/> floats apart (the generated RowValues has it as a constant; here it is a
        /// constant argument).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static Vector512<float> RowValues(ref float tile, nint d, int inputDimension)
        {
            return Vector512.Create(Unsafe.Add(ref tile, d), Unsafe.Add(ref tile, 1 * inputDimension + d), Unsafe.Add(ref tile, 2 * inputDimension + d),
                Unsafe.Add(ref tile, 3 * inputDimension + d), Unsafe.Add(ref tile, 4 * inputDimension + d), Unsafe.Add(ref tile, 5 * inputDimension + d),
                Unsafe.Add(ref tile, 6 * inputDimension + d), Unsafe.Add(ref tile, 7 * inputDimension + d), Unsafe.Add(ref tile, 8 * inputDimension + d),
                Unsafe.Add(ref tile, 9 * inputDimension + d), Unsafe.Add(ref tile, 10 * inputDimension + d), Unsafe.Add(ref tile, 11 * inputDimension + d),
                Unsafe.Add(ref tile, 12 * inputDimension + d), Unsafe.Add(ref tile, 13 * inputDimension + d), Unsafe.Add(ref tile, 14 * inputDimension + d),
                Unsafe.Add(ref tile, 15 * inputDimension + d));
        }
    }
}
