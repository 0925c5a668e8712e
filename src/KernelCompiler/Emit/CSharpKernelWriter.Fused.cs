// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using KernelCompiler.Planning;
namespace KernelCompiler.Emit
{
    /// <summary>The fused AVX-512 VBMI path's steps (KernelCompiler.Runtime.IFusedKernelSteps): the runtime runs the
    /// tile loop; these are the model-specific parts, mirrored by IlKernelEmitter.Fused.cs.</summary>
    internal static partial class CSharpKernelWriter
    {
        private static void WriteFusedDispatch(SourceText w, KernelPlan plan)
        {
            w.Line("if (" + plan.Guard(KernelPath.Avx512Vbmi) + ")");
            w.Open();
            w.Line("// The fused path takes every row where there are 16 or more (tiles of 16, the last one overlapping); the paths below take fewer.");
            w.Line("row = " + Runtime + "FusedKernelRuntime.Run(default(FusedSteps), operation, x, codesIn, rows, columnMajor, codes, sums, destination);");
            w.Close();
            w.Line();
        }

        private static void WriteFusedSteps(SourceText w, KernelPlan plan, string core)
        {
            int g = plan.FusedGroups;
            w.Line("// The fused path's steps: tiles of 16 rows; codebooks in groups of four, a group's codes one vector of dwords");
            w.Line("// whose byte j is 16 · j + code, the index of that code in the group's 64-byte table for one vpermb.");
            w.Line("private readonly struct FusedSteps : global::KernelCompiler.Runtime.IFusedKernelSteps");
            w.Open();
            w.Line("private const int Groups = " + Int(g) + ";");
            w.Line();
            WriteStepsModel(w, core);
            w.Line("// Scan's tables on a 64-byte boundary, so each vpermb operand is one cache line.");
            w.Line("private static readonly global::KernelCompiler.Runtime.AlignedBytes s_tables = new global::KernelCompiler.Runtime.AlignedBytes(FusedTables);");
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeColumns(ref float x, nint stride, ref uint packed, nint tiles)");
            w.Open();
            w.Line("// Group by group over all the tiles, so each split column is read as one run the prefetcher follows.");
            w.Line("Vector512<int> n0, n1, n2, n3;");
            WriteFusedConstants(w);
            for (int group = 0; group < g; group++)
            {
                w.Line("for (nint t = 0; t < tiles; t++)");
                w.Open();
                w.Line("ref float tile = ref Unsafe.Add(ref x, t * 16);");
                w.Line("ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));");
                WriteFusedGroup(w, plan, group, d => "Vector512.LoadUnsafe(ref tile, (nuint)(stride * " + Int(d) + "))");
                w.Close();
            }

            w.Close();
            w.Line();
            WriteFusedEncodeRows(w, plan);
            if (plan.IsAverage)
            {
                WriteFusedAverageScan(w, plan);
            }
            else
            {
                WriteFusedExactScan(w, plan);
            }

            WriteFusedHelpers(w, plan);
        }

        private static void WriteFusedExactScan(SourceText w, KernelPlan plan)
        {
            int g = plan.FusedGroups;
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void Scan(ref uint packed, ref int sums, nint tiles)");
            w.Open();
            w.Line("// First, so no vector is live across the static's initialisation check (a call: the vectors would be spilled).");
            w.Line("ref byte tables = ref s_tables.Reference;");
            w.Line("Vector512<sbyte> ones = Vector512.Create((sbyte)1);");
            w.Line("Vector512<short> pairs = Vector512.Create((short)1);");
            w.Line("for (nint t = 0; t < tiles; t++)");
            w.Open();
            w.Line("ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));");
            w.Line("ref int tileSums = ref Unsafe.Add(ref sums, t * (OutputDimension * 16));");
            // Up to 16 groups stay in registers across the outputs; more are reloaded (from L1) per output.
            bool inRegisters = g <= 16;
            if (inRegisters)
            {
                for (int i = 0; i < g; i++)
                {
                    w.Line("Vector512<byte> k" + Int(i) + " = Vector512.LoadUnsafe(ref codes, " + Int(i * 16) + ").AsByte();");
                }
            }

            w.Line("ref byte table = ref tables;");
            w.Line("for (nint m = 0; m < OutputDimension; m++)");
            w.Open();
            for (int i = 0; i < g; i++)
            {
                string k = inRegisters ? "k" + Int(i) : "Vector512.LoadUnsafe(ref codes, " + Int(i * 16) + ").AsByte()";
                string term = "Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref table, " + Int(i * 64) + "), " + k + "), ones)";
                w.Line(i == 0 ? "Vector512<short> acc = " + term + ";" : "acc += " + term + ";");
            }

            w.Line("Avx512BW.MultiplyAddAdjacent(acc, pairs).StoreUnsafe(ref tileSums, (nuint)(m * 16));");
            w.Line("table = ref Unsafe.Add(ref table, Groups * 64);");
            w.Close();
            w.Close();
            w.Close();
            w.Line();
        }

        private static void WriteFusedHelpers(SourceText w, KernelPlan plan)
        {
            w.Line("// One tree level for 16 rows: each lane's threshold picked by its node so far (vpermps reads its low four bits),");
            w.Line("// and a decision to go right (threshold <= value: false for NaN) adds this level's bit (8 >> level) in one masked add.");
            w.Line("// The compare is written threshold-first so the value's load folds into it.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line("private static Vector512<int> Level(Vector512<int> node, Vector512<float> value, Vector512<float> thresholds, Vector512<int> bit)");
            w.Open();
            w.Line("return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Avx512F.PermuteVar16x32(thresholds, node), value).AsInt32(), node + bit, node);");
            w.Close();
            WriteRowValues(w, plan);
            w.Close();
            w.Line();
        }

        /// <summary>The node starts (16 · j, and 16 · j + 8 after going right at level 0) and the level bits as locals
        /// before the tile loops: the JIT keeps them in registers, where as constants it loads or broadcasts them again
        /// every tile (measured: encode 5–6 % faster, Multiply 2–5 %).</summary>
        private static void WriteFusedConstants(SourceText w)
        {
            var declarations = new System.Collections.Generic.List<string>();
            foreach ((string name, int value) in KernelPlan.FusedConstants)
            {
                declarations.Add(name + " = Vector512.Create(" + Int(value) + ")");
            }

            w.Line("Vector512<int> " + string.Join(", ", declarations) + ";");
        }

        /// <summary>The tree walk of one group's four codebooks for one tile, level by level across the four (their
        /// chains are independent, so each level's four steps can run together); <paramref name="load"/> gives the
        /// expression of one input dimension's values for the tile's 16 rows. Reads the locals of
        /// <see cref="WriteFusedConstants"/>.</summary>
        private static void WriteFusedGroup(SourceText w, KernelPlan plan, int group, System.Func<int, string> load)
        {
            for (int j = 0; j < 4; j++)
            {
                int c = group * 4 + j;
                w.Line(c >= plan.Codebooks
                    ? "// Codebook " + Int(c) + " pads the group: code 0, table of zeros."
                    : "// Codebook " + Int(c) + ": x[" + Int(plan.Model.SplitDimension(c, 0)) + "], x[" + Int(plan.Model.SplitDimension(c, 1)) +
                      "], x[" + Int(plan.Model.SplitDimension(c, 2)) + "], x[" + Int(plan.Model.SplitDimension(c, 3)) + "]; its node starts at " + Int(16 * j) + ".");
            }

            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                for (int j = 0; j < 4; j++)
                {
                    int c = group * 4 + j;
                    string n = "n" + Int(j);
                    if (c >= plan.Codebooks)
                    {
                        // A padding codebook: code 0, whose table bytes are 0.
                        if (level == 0) w.Line(n + " = start" + Int(j) + ";");
                    }
                    else if (level == 0)
                    {
                        w.Line(n + " = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Vector512.Create(" + Float(plan.Threshold(c, 0, 0)) + "), " +
                            load(plan.Model.SplitDimension(c, 0)) + ").AsInt32(), right" + Int(j) + ", start" + Int(j) + ");");
                    }
                    else
                    {
                        w.Line(n + " = Level(" + n + ", " + load(plan.Model.SplitDimension(c, level)) +
                            ", Vector512.Create(" + FloatList(plan.FusedLanes(c, level)) + "), bit" + Int(8 >> level) + ");");
                    }
                }
            }

            w.Line("(n0 | (n1 << 8) | (n2 << 16) | (n3 << 24)).AsUInt32().StoreUnsafe(ref codes, " + Int(group * 16) + ");");
        }
    }
}
