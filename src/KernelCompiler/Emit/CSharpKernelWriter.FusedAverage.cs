// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;
namespace KernelCompiler.Emit
{
    /// <summary>The fused path's Scan for average models (FusedKernelRuntime.Average.cs describes the layout it reads),
    /// mirrored by IlKernelEmitter.FusedAverage.cs.</summary>
    internal static partial class CSharpKernelWriter
    {
        private static void WriteFusedAverageScan(SourceText w, KernelPlan plan)
        {
            int c = plan.Codebooks, g = plan.GroupSize;
            w.Line("// Average aggregation, a block of four tiles (64 rows) at a time: one vector per codebook holds its codes for the");
            w.Line("// 64 rows (byte t of dword r: row 16t + r), so one vpermb looks a codebook up for the block. Groups of " + Int(g) + " codebooks");
            w.Line("// are combined by a balanced tree of rounding averages (vpavgb) in codebook order; vpmaddubsw against " + Int(g) + " at byte 0");
            w.Line("// or 1 of each dword widens tiles 0 and 1 (2 and 3 after a 16-bit shift) to G · U in row order; S' = G · U − " + Int(plan.BiasCorrection) + ".");
            w.Line("// One group at a time over all the outputs, its codes in registers; later groups add to the sums of earlier ones.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void Scan(ref uint packed, ref int sums, nint tiles)");
            w.Open();
            w.Line("// First, so no vector is live across the static's initialisation check (a call: the vectors would be spilled).");
            w.Line("ref byte tables = ref s_tables.Reference;");
            w.Line("Vector512<sbyte> low = Vector512.Create(" + Int(g) + ").AsSByte();");
            w.Line("Vector512<sbyte> high = Vector512.Create(" + Int(g << 8) + ").AsSByte();");
            if (plan.BiasCorrection != 0)
            {
                w.Line("Vector512<int> bias = Vector512.Create(" + Int(plan.BiasCorrection) + ");");
            }

            w.Line("Vector512<byte> " + AverageTemps(g) + ";");
            w.Line("Vector512<short> s0, s1, s2, s3;");
            w.Line("for (nint b = 0; b < tiles; b += 4)");
            w.Open();
            w.Line("ref uint codes = ref Unsafe.Add(ref packed, b * (Groups * 16));");
            w.Line("ref int blockSums = ref Unsafe.Add(ref sums, b * (OutputDimension * 16));");
            string[] offsets = { "m * 16", "(OutputDimension + m) * 16", "(2 * OutputDimension + m) * 16", "(3 * OutputDimension + m) * 16" };
            for (int start = 0; start < c; start += g)
            {
                bool first = start == 0, last = start + g >= c;
                w.Line("// Codebooks " + Int(start) + " to " + Int(start + g - 1) + ": the group's average, then its G · U terms for the four tiles.");
                w.Open();
                for (int i = 0; i < g; i++)
                {
                    w.Line("Vector512<byte> k" + Int(i) + " = Vector512.LoadUnsafe(ref codes, " + Int((start + i) * 16) + ").AsByte();");
                }

                w.Line("ref byte table = ref Unsafe.Add(ref tables, " + Int(start / 4 * 64) + ");");
                w.Line("for (nint m = 0; m < OutputDimension; m++)");
                w.Open();
                WriteAverageTree(w, start, g, 0, start);
                w.Line("s0 = Avx512BW.MultiplyAddAdjacent(a0, low);");
                w.Line("s1 = Avx512BW.MultiplyAddAdjacent(a0, high);");
                w.Line("a0 = Vector512.ShiftRightLogical(a0.AsUInt32(), 16).AsByte();");
                w.Line("s2 = Avx512BW.MultiplyAddAdjacent(a0, low);");
                w.Line("s3 = Avx512BW.MultiplyAddAdjacent(a0, high);");
                for (int t = 0; t < 4; t++)
                {
                    string value = "s" + Int(t) + ".AsInt32()";
                    if (!first) value = "Vector512.LoadUnsafe(ref blockSums, (nuint)(" + offsets[t] + ")) + " + value;
                    if (last && plan.BiasCorrection != 0) value += " - bias";
                    if (value.IndexOf(' ') >= 0) value = "(" + value + ")";
                    w.Line(value + ".StoreUnsafe(ref blockSums, (nuint)(" + offsets[t] + "));");
                }

                w.Line("table = ref Unsafe.Add(ref table, Groups * 64);");
                w.Close();
                w.Close();
            }

            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>The temporaries of the average tree, a0 .. a(log2 G): it is written depth first, so a subtree of n
        /// codebooks at depth d needs a(d) .. a(d + log2 n − 1) (at least a0).</summary>
        private static string AverageTemps(int groupSize)
        {
            int count = 1;
            while ((1 << count) < groupSize) count++;
            var names = new string[count];
            for (int i = 0; i < count; i++) names[i] = "a" + Int(i);
            return string.Join(", ", names);
        }

        /// <summary>The rounding-average tree of codebooks start .. start + n − 1 into a(depth), depth first: pairs (0, 1),
        /// (2, 3)… of codebook order, then pairs of those, as docs/algorithm.md §2 specifies.</summary>
        private static void WriteAverageTree(SourceText w, int start, int n, int depth, int groupStart)
        {
            string a = "a" + Int(depth);
            if (n == 1)
            {
                w.Line(a + " = " + AverageLookup(start, groupStart) + ";");
                return;
            }

            if (n == 2)
            {
                w.Line(a + " = Avx512BW.Average(" + AverageLookup(start, groupStart) + ", " + AverageLookup(start + 1, groupStart) + ");");
                return;
            }

            WriteAverageTree(w, start, n / 2, depth, groupStart);
            WriteAverageTree(w, start + n / 2, n / 2, depth + 1, groupStart);
            w.Line(a + " = Avx512BW.Average(" + a + ", a" + Int(depth + 1) + ");");
        }

        /// <summary>Codebook c's table entries for the block's 64 rows: its four codebooks' 64-byte table (relative to the
        /// average group's first), indexed by its codes (16 · (c mod 4) + code), held in k(c − groupStart).</summary>
        private static string AverageLookup(int codebook, int groupStart)
        {
            return "Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref table, " + Int((codebook - groupStart) / 4 * 64) + "), k" + Int(codebook - groupStart) + ")";
        }
    }
}
