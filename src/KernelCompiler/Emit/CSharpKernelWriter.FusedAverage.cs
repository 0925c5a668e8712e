namespace KernelCompiler
{
    /// <summary>The fused path's Scan for average models (FusedKernelRuntime.Average.cs describes the layout it reads),
    /// mirrored by IlKernelEmitter.FusedAverage.cs.</summary>
    internal static partial class CSharpKernelWriter
    {
        /// <summary>Codebooks whose 64-row code vectors stay in registers across the outputs of a block; more are reloaded
        /// (from L1) per lookup.</summary>
        internal const int MaxAverageCodesInRegisters = 16;

        private static void WriteFusedAverageScan(SourceText w, KernelPlan plan)
        {
            int c = plan.Codebooks, g = plan.GroupSize;
            bool inRegisters = c <= MaxAverageCodesInRegisters;
            w.Line("// Average aggregation, a block of four tiles (64 rows) at a time: one vector per codebook holds its codes for the");
            w.Line("// 64 rows (byte t of dword r: row 16t + r), so one vpermb looks a codebook up for the block. Groups of " + Int(g) + " codebooks");
            w.Line("// are combined by a balanced tree of rounding averages (vpavgb) in codebook order; vpmaddubsw against " + Int(g) + " at byte 0");
            w.Line("// or 1 of each dword widens tiles 0 and 1 (2 and 3 after a 16-bit shift) to G · U in row order; S' = G · U − " + Int(plan.BiasCorrection) + ".");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void Scan(ref uint packed, ref int sums, nint tiles)");
            w.Open();
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
            if (inRegisters)
            {
                for (int i = 0; i < c; i++)
                {
                    w.Line("Vector512<byte> k" + Int(i) + " = Vector512.LoadUnsafe(ref codes, " + Int(i * 16) + ").AsByte();");
                }
            }

            w.Line("ref byte table = ref MemoryMarshal.GetReference(FusedTables);");
            w.Line("for (nint m = 0; m < OutputDimension; m++)");
            w.Open();
            for (int start = 0; start < c; start += g)
            {
                w.Line("// Codebooks " + Int(start) + " to " + Int(start + g - 1) + ": the group's average, then its G · U terms for the four tiles.");
                WriteAverageTree(w, start, g, 0, inRegisters);
                string op = start == 0 ? " = " : " += ";
                w.Line("s0" + op + "Avx512BW.MultiplyAddAdjacent(a0, low);");
                w.Line("s1" + op + "Avx512BW.MultiplyAddAdjacent(a0, high);");
                w.Line("a0 = Vector512.ShiftRightLogical(a0.AsUInt32(), 16).AsByte();");
                w.Line("s2" + op + "Avx512BW.MultiplyAddAdjacent(a0, low);");
                w.Line("s3" + op + "Avx512BW.MultiplyAddAdjacent(a0, high);");
            }

            string[] offsets = { "m * 16", "(OutputDimension + m) * 16", "(2 * OutputDimension + m) * 16", "(3 * OutputDimension + m) * 16" };
            for (int t = 0; t < 4; t++)
            {
                string value = plan.BiasCorrection != 0 ? "(s" + Int(t) + ".AsInt32() - bias)" : "s" + Int(t) + ".AsInt32()";
                w.Line(value + ".StoreUnsafe(ref blockSums, (nuint)(" + offsets[t] + "));");
            }
            w.Line("table = ref Unsafe.Add(ref table, Groups * 64);");
            w.Close();
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
        /// (2, 3)… of codebook order, then pairs of those, as MADDNESS.md §2 specifies.</summary>
        private static void WriteAverageTree(SourceText w, int start, int n, int depth, bool inRegisters)
        {
            string a = "a" + Int(depth);
            if (n == 1)
            {
                w.Line(a + " = " + AverageLookup(start, inRegisters) + ";");
                return;
            }

            if (n == 2)
            {
                w.Line(a + " = Avx512BW.Average(" + AverageLookup(start, inRegisters) + ", " + AverageLookup(start + 1, inRegisters) + ");");
                return;
            }

            WriteAverageTree(w, start, n / 2, depth, inRegisters);
            WriteAverageTree(w, start + n / 2, n / 2, depth + 1, inRegisters);
            w.Line(a + " = Avx512BW.Average(" + a + ", a" + Int(depth + 1) + ");");
        }

        /// <summary>Codebook c's table entries for the block's 64 rows: its group's 64-byte table, indexed by its codes
        /// (16 · (c mod 4) + code).</summary>
        private static string AverageLookup(int codebook, bool inRegisters)
        {
            string k = inRegisters ? "k" + Int(codebook) : "Vector512.LoadUnsafe(ref codes, " + Int(codebook * 16) + ").AsByte()";
            return "Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref table, " + Int(codebook / 4 * 64) + "), " + k + ")";
        }
    }
}
