// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The fused AVX2 path's steps as C# (KernelCompiler.Runtime.IFusedAvx2KernelSteps), mirrored operation for operation
    /// by IlFusedAvx2Emitter: the runtime (FusedAvx2KernelRuntime) runs the tile loop and the stores; these
    /// are the model-specific parts. Encoding is one call per codebook of the runtime's tree walk
    /// (FusedAvx2Tiles.EncodeColumns or EncodeRows) with the codebook's split columns and thresholds as constants; Scan
    /// is written out per codebook: one in-lane shuffle for the tile's 32 rows against a table that repeats in both
    /// lanes, added into 16-bit sums (exact) or combined by rounding averages first (average). Linked into the
    /// netstandard2.0 generator.
    /// </summary>
    internal static class CSharpFusedAvx2Writer
    {
        /// <summary>The generated struct holding the steps.</summary>
        public const string StepsName = "Avx2FusedSteps";

        private const string Runtime = "global::KernelCompiler.Runtime.";

        /// <summary>The guarded call into the runtime from the kernel's Run.</summary>
        public static void WriteDispatch(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            w.Line("if (" + plan.Guard(KernelPath.Avx2Fused) + ")");
            w.Open();
            w.Line("// Multiply on the fused AVX2 path: every row from 'row' where 32 or more are left (the last tile overlapping).");
            w.Line("row = " + Runtime + "FusedAvx2KernelRuntime.Run(default(" + StepsName + "), operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);");
            w.Close();
            w.Line();
        }

        /// <summary>The steps struct.</summary>
        public static void WriteSteps(CSharpKernelWriter.SourceText w, KernelPlan plan, string core)
        {
            w.Line("// The fused AVX2 path's steps: tiles of 32 rows, codes codebook-major (32 bytes a codebook), one vpshufb a");
            w.Line("// codebook against its 16-byte table repeated in both lanes; sums [output][32].");
            w.Line("private readonly struct " + StepsName + " : " + Runtime + "IFusedAvx2KernelSteps");
            w.Open();
            w.Line("public " + Runtime + "KernelRuntimeModel Model => " + core + ".Model;");
            w.Line();
            w.Line("// Scan's tables [output][codebook][32] on a 64-byte boundary.");
            w.Line("private static readonly " + Runtime + "AlignedBytes s_tables = " + Runtime + "FusedAvx2Tiles.Tables(Tables);");
            w.Line();
            WriteFusedEncodeColumns(w, plan);
            WriteFusedEncodeRows(w, plan);
            if (plan.IsAverage)
            {
                WriteFusedAverageScan(w, plan);
            }
            else
            {
                WriteFusedExactScan(w, plan);
            }

            w.DropBlankLine();
            w.Close();
            w.Line();
        }

        private static void WriteFusedEncodeColumns(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles)");
            w.Open();
            w.Line("// One codebook at a time over all the tiles, so its split columns are read as runs.");
            for (int c = 0; c < plan.Codebooks; c++)
            {
                w.Line(Runtime + "FusedAvx2Tiles.EncodeColumns(ref x, " + Dim(plan, c, 0, "stride * ") + ", " + Dim(plan, c, 1, "stride * ") + ", " +
                    Dim(plan, c, 2, "stride * ") + ", " + Dim(plan, c, 3, "stride * ") + ", " + Thresholds(plan, c) +
                    ", ref Unsafe.Add(ref codes, " + CSharpKernelWriter.Int(32 * c) + "), Codebooks * 32, tiles);");
            }

            w.Close();
            w.Line();
        }

        private static void WriteFusedEncodeRows(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeRows(ref float x, ref byte codes, nint tiles)");
            w.Open();
            for (int c = 0; c < plan.Codebooks; c++)
            {
                w.Line(Runtime + "FusedAvx2Tiles.EncodeRows(ref x, InputDimension, " + Dim(plan, c, 0, "") + ", " + Dim(plan, c, 1, "") + ", " +
                    Dim(plan, c, 2, "") + ", " + Dim(plan, c, 3, "") + ", " + Thresholds(plan, c) +
                    ", ref Unsafe.Add(ref codes, " + CSharpKernelWriter.Int(32 * c) + "), Codebooks * 32, tiles);");
            }

            w.Close();
            w.Line();
        }

        /// <summary>Codebook c's split dimension at <paramref name="level"/>, as an nint offset (times the stride for
        /// column-major input).</summary>
        private static string Dim(KernelPlan plan, int c, int level, string times)
            => times + "(nint)" + CSharpKernelWriter.Int(plan.Model.SplitDimension(c, level));

        /// <summary>The root's threshold and levels 1..3 as eight lanes each (<see cref="KernelPlan.ThresholdLanes"/>).</summary>
        private static string Thresholds(KernelPlan plan, int c)
        {
            var parts = new string[4];
            parts[0] = CSharpKernelWriter.Float(plan.Threshold(c, 0, 0));
            for (int level = 1; level < 4; level++)
            {
                var lanes = new float[KernelPlan.LanesPerLevel];
                System.Array.Copy(plan.ThresholdLanes, (c * 4 + level) * KernelPlan.LanesPerLevel, lanes, 0, lanes.Length);
                parts[level] = "Vector256.Create(" + CSharpKernelWriter.FloatList(lanes) + ")";
            }

            return string.Join(", ", parts);
        }

        private static void WriteScanHead(CSharpKernelWriter.SourceText w)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void Scan(ref byte codes, ref int sums)");
            w.Open();
            w.Line("ref byte table = ref s_tables.Reference;");
            w.Line("for (nint m = 0; m < OutputDimension; m++)");
            w.Open();
            w.Line("Vector256<ushort> all = Vector256<ushort>.Zero, odd = Vector256<ushort>.Zero;");
        }

        private static void WriteScanTail(CSharpKernelWriter.SourceText w, int shift, int bias)
        {
            w.Line(Runtime + "FusedAvx2Tiles.StoreSums(all, odd, ref sums, m * 32, " + CSharpKernelWriter.Int(shift) + ", " + CSharpKernelWriter.Int(bias) + ");");
            w.Line("table = ref Unsafe.Add(ref table, Codebooks * 32);");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>Codebook c's 32 looked-up bytes.</summary>
        private static string Lookup(int c)
            => "Avx2.Shuffle(Vector256.LoadUnsafe(ref table, " + CSharpKernelWriter.Int(32 * c) + "), Vector256.LoadUnsafe(ref codes, " + CSharpKernelWriter.Int(32 * c) + "))";

        private static void WriteFusedExactScan(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            WriteScanHead(w);
            for (int c = 0; c < plan.Codebooks; c++)
            {
                w.Line(Runtime + "FusedAvx2Tiles.Add(ref all, ref odd, " + Lookup(c) + ");");
            }

            WriteScanTail(w, 0, 0);
        }

        private static void WriteFusedAverageScan(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            int g = plan.GroupSize, shift = 0;
            while ((1 << shift) < g) shift++;
            WriteScanHead(w);
            w.Line("Vector256<byte> " + Temps(shift) + ";");
            for (int start = 0; start < plan.Codebooks; start += g)
            {
                WriteAverageTree(w, start, g, 0);
                w.Line(Runtime + "FusedAvx2Tiles.Add(ref all, ref odd, a0);");
            }

            WriteScanTail(w, shift, plan.BiasCorrection);
        }

        /// <summary>The temporaries a0 .. a(max(1, log2 G) − 1) of the depth-first average tree.</summary>
        private static string Temps(int depth)
        {
            int count = depth < 1 ? 1 : depth;
            var names = new string[count];
            for (int i = 0; i < count; i++) names[i] = "a" + CSharpKernelWriter.Int(i);
            return string.Join(", ", names);
        }

        /// <summary>The rounding-average tree of codebooks start .. start + n − 1 into a(depth), depth first: pairs (0, 1),
        /// (2, 3)… of codebook order, then pairs of those (docs/algorithm.md §2).</summary>
        private static void WriteAverageTree(CSharpKernelWriter.SourceText w, int start, int n, int depth)
        {
            string a = "a" + CSharpKernelWriter.Int(depth);
            if (n == 1)
            {
                w.Line(a + " = " + Lookup(start) + ";");
                return;
            }

            if (n == 2)
            {
                w.Line(a + " = Avx2.Average(" + Lookup(start) + ", " + Lookup(start + 1) + ");");
                return;
            }

            WriteAverageTree(w, start, n / 2, depth);
            WriteAverageTree(w, start + n / 2, n / 2, depth + 1);
            w.Line(a + " = Avx2.Average(" + a + ", a" + CSharpKernelWriter.Int(depth + 1) + ");");
        }
    }
}
