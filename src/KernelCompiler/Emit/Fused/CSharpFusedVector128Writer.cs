// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The fused 128-bit path's steps as C# (KernelCompiler.Runtime.IFusedVector128KernelSteps), mirrored operation for
    /// operation by IlFusedVector128Emitter: the runtime (FusedVector128KernelRuntime) runs the tile loop and the stores;
    /// these are the model-specific parts. Encoding is one call per codebook of the runtime's tree walk
    /// (FusedVector128Tiles.EncodeColumns or EncodeRows) with the codebook's split columns and thresholds as constants;
    /// Scan is written out per codebook: one byte shuffle (FusedVector128Tiles.Lookup: pshufb or tbl) for the tile's 16
    /// rows against the codebook's 16-byte table, added into 16-bit sums (exact) or combined by rounding averages first
    /// (average). The x86/Arm64 choices are the runtime's helpers, so the text is the same for both. Linked into the
    /// netstandard2.0 generator.
    /// </summary>
    internal static class CSharpFusedVector128Writer
    {
        /// <summary>The generated struct holding the steps.</summary>
        public const string StepsName = "Vector128FusedSteps";

        private const string Runtime = "global::KernelCompiler.Runtime.";

        /// <summary>The guarded call into the runtime from the kernel's Run.</summary>
        public static void WriteDispatch(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            w.Line("if (" + plan.Guard(KernelPath.Vector128Fused) + ")");
            w.Open();
            w.Line("// Multiply on the fused 128-bit path: every row from 'row' where 16 or more are left (the last tile overlapping).");
            w.Line("row = " + Runtime + "FusedVector128KernelRuntime.Run(default(" + StepsName + "), operation, x, codesIn, rows, row, columnMajor, codes, sums, destination);");
            w.Close();
            w.Line();
        }

        /// <summary>The steps struct.</summary>
        public static void WriteSteps(CSharpKernelWriter.SourceText w, KernelPlan plan, string core)
        {
            w.Line("// The fused 128-bit path's steps: tiles of 16 rows, codes codebook-major (16 bytes a codebook), one byte");
            w.Line("// shuffle a codebook against its 16-byte table; sums [output][16].");
            w.Line("private readonly struct " + StepsName + " : " + Runtime + "IFusedVector128KernelSteps");
            w.Open();
            w.Line("public " + Runtime + "KernelRuntimeModel Model => " + core + ".Model;");
            w.Line();
            w.Line("// Scan's tables [output][codebook][16] on a 64-byte boundary.");
            w.Line("private static readonly " + Runtime + "AlignedBytes s_tables = " + Runtime + "FusedVector128Tiles.Tables(Tables);");
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
                w.Line(Runtime + "FusedVector128Tiles.EncodeColumns(ref x, " + Dim(plan, c, 0, "stride * ") + ", " + Dim(plan, c, 1, "stride * ") + ", " +
                    Dim(plan, c, 2, "stride * ") + ", " + Dim(plan, c, 3, "stride * ") + ", " + Thresholds(plan, c) +
                    ", ref Unsafe.Add(ref codes, " + CSharpKernelWriter.Int(16 * c) + "), Codebooks * 16, tiles);");
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
                w.Line(Runtime + "FusedVector128Tiles.EncodeRows(ref x, InputDimension, " + Dim(plan, c, 0, "") + ", " + Dim(plan, c, 1, "") + ", " +
                    Dim(plan, c, 2, "") + ", " + Dim(plan, c, 3, "") + ", " + Thresholds(plan, c) +
                    ", ref Unsafe.Add(ref codes, " + CSharpKernelWriter.Int(16 * c) + "), Codebooks * 16, tiles);");
            }

            w.Close();
            w.Line();
        }

        /// <summary>Codebook c's split dimension at <paramref name="level"/>, as an nint offset (times the stride for
        /// column-major input).</summary>
        private static string Dim(KernelPlan plan, int c, int level, string times)
            => times + "(nint)" + CSharpKernelWriter.Int(plan.Model.SplitDimension(c, level));

        /// <summary>The root's threshold, then four lanes each of level 1, level 2, and level 3's nodes 0..3 and 4..7
        /// (<see cref="KernelPlan.ThresholdLanes"/>: node i of a level in lane i, padded with the level's last threshold).</summary>
        private static string Thresholds(KernelPlan plan, int c)
        {
            var parts = new string[5];
            parts[0] = CSharpKernelWriter.Float(plan.Threshold(c, 0, 0));
            for (int part = 1; part < 5; part++)
            {
                parts[part] = "Vector128.Create(" + CSharpKernelWriter.FloatList(ThresholdQuad(plan, c, part)) + ")";
            }

            return string.Join(", ", parts);
        }

        /// <summary>The four threshold lanes of <paramref name="part"/> (1: level 1; 2: level 2; 3 and 4: level 3's low
        /// and high halves), as both emitters pass them.</summary>
        internal static float[] ThresholdQuad(KernelPlan plan, int c, int part)
        {
            int level = part < 4 ? part : 3, first = part == 4 ? 4 : 0;
            var lanes = new float[4];
            System.Array.Copy(plan.ThresholdLanes, (c * 4 + level) * KernelPlan.LanesPerLevel + first, lanes, 0, lanes.Length);
            return lanes;
        }

        private static void WriteScanHead(CSharpKernelWriter.SourceText w)
        {
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void Scan(ref byte codes, ref ushort sums)");
            w.Open();
            w.Line("ref byte table = ref s_tables.Reference;");
            w.Line("for (nint m = 0; m < OutputDimension; m++)");
            w.Open();
            w.Line("Vector128<ushort> all = Vector128<ushort>.Zero, odd = Vector128<ushort>.Zero;");
        }

        private static void WriteScanTail(CSharpKernelWriter.SourceText w, int shift, int bias)
        {
            w.Line(Runtime + "FusedVector128Tiles.StoreSums(all, odd, ref sums, m * 16, " + CSharpKernelWriter.Int(shift) + ", " + CSharpKernelWriter.Int(bias) + ");");
            w.Line("table = ref Unsafe.Add(ref table, Codebooks * 16);");
            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>Codebook c's 16 looked-up bytes.</summary>
        private static string Lookup(int c)
            => Runtime + "FusedVector128Tiles.Lookup(Vector128.LoadUnsafe(ref table, " + CSharpKernelWriter.Int(16 * c) + "), Vector128.LoadUnsafe(ref codes, " + CSharpKernelWriter.Int(16 * c) + "))";

        private static void WriteFusedExactScan(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            WriteScanHead(w);
            for (int c = 0; c < plan.Codebooks; c++)
            {
                w.Line(Runtime + "FusedVector128Tiles.Add(ref all, ref odd, " + Lookup(c) + ");");
            }

            WriteScanTail(w, 0, 0);
        }

        private static void WriteFusedAverageScan(CSharpKernelWriter.SourceText w, KernelPlan plan)
        {
            int g = plan.GroupSize, shift = 0;
            while ((1 << shift) < g) shift++;
            WriteScanHead(w);
            w.Line("Vector128<byte> " + Temps(shift) + ";");
            for (int start = 0; start < plan.Codebooks; start += g)
            {
                WriteAverageTree(w, start, g, 0);
                w.Line(Runtime + "FusedVector128Tiles.Add(ref all, ref odd, a0);");
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
                w.Line(a + " = " + Runtime + "FusedVector128Tiles.Average(" + Lookup(start) + ", " + Lookup(start + 1) + ");");
                return;
            }

            WriteAverageTree(w, start, n / 2, depth);
            WriteAverageTree(w, start + n / 2, n / 2, depth + 1);
            w.Line(a + " = " + Runtime + "FusedVector128Tiles.Average(" + a + ", a" + CSharpKernelWriter.Int(depth + 1) + ");");
        }
    }
}
