// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Text;
using KernelCompiler.Runtime;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    /// <summary>The fused path's EncodeRows step (row-major input; see <see cref="RowGather"/>), mirrored by
    /// IlKernelEmitter.RowMajor.cs.</summary>
    internal static partial class CSharpKernelWriter
    {
        private static void WriteFusedEncodeRows(SourceText w, KernelPlan plan)
        {
            RowGather? gather = RowGather.For(plan);
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeRows(ref float x, ref uint packed, nint tiles, int phase)");
            w.Open();
            if (gather == null)
            {
                // Rows narrower than a vector: each split value of the tile's 16 rows read one by one.
                w.Line("Vector512<int> n0, n1, n2, n3;");
                WriteFusedConstants(w);
                w.Line("for (nint t = 0; t < tiles; t++)");
                w.Open();
                w.Line("ref float tile = ref Unsafe.Add(ref x, t * (16 * InputDimension));");
                w.Line("ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));");
                for (int group = 0; group < plan.FusedGroups; group++)
                {
                    WriteFusedGroup(w, plan, group, d => "RowValues(ref tile, " + Int(d) + ")");
                }

                w.Close();
                w.Close();
                w.Line();
                return;
            }

            w.Line("// Each row's split values packed into slot vectors (a permute per window of the row holding some), a 16 × 16");
            w.Line("// transpose per slot vector, then the tree walk reads slot s of the tile's 16 rows at slots[16 · s].");
            w.Line("Span<float> buffer = stackalloc float[" + Int(gather.SlotVectors * 256) + "];");
            w.Line("ref float slots = ref MemoryMarshal.GetReference(buffer);");
            w.Line("Vector512<int> n0, n1, n2, n3;");
            w.Line("for (nint t = 0; t < tiles; t++)");
            w.Open();
            w.Line("ref float tile = ref Unsafe.Add(ref x, t * (16 * InputDimension));");
            w.Line("ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));");
            w.Line("for (nint r = 0; r < 16; r++)");
            w.Open();
            w.Line("ref float row = ref Unsafe.Add(ref tile, r * InputDimension);");
            w.Line("ref float rowSlots = ref Unsafe.Add(ref slots, r * 16);");
            w.Line("Vector512<float> v;");
            int[] phases = RowPhases.All(plan.InputDimension);
            if (phases.Length == 0)
            {
                WriteRowGather(w, plan, gather, "row");
            }
            else
            {
                // Rows a few floats off a 64-byte line: read whole lines instead (no load across two lines).
                w.Line("switch (phase)");
                w.Open();
                foreach (int phase in phases)
                {
                    w.Line("case " + Int(phase) + ":");
                    w.Open();
                    w.Line("ref float line = ref Unsafe.Add(ref row, -" + Int(phase) + ");");
                    WriteRowGather(w, plan, RowGather.ForPhase(plan, phase), "line");
                    w.Line("break;");
                    w.Close();
                }

                w.Line("default:");
                w.Open();
                WriteRowGather(w, plan, gather, "row");
                w.Line("break;");
                w.Close();
                w.Close();
            }

            w.Close();
            w.Line("global::KernelCompiler.Runtime.FusedRowTiles.TransposeSlots(ref slots, " + Int(gather.SlotVectors) + ");");
            // After the call, not before the loop: vectors live across a call are spilled and reloaded every tile.
            WriteFusedConstants(w);
            for (int group = 0; group < plan.FusedGroups; group++)
            {
                WriteFusedGroup(w, plan, group, d => "Vector512.LoadUnsafe(ref slots, " + Int(16 * gather.SlotOf(d)) + ")");
            }

            w.Close();
            w.Close();
            w.Line();
        }

        /// <summary>A row's split values into its slot vectors at rowSlots: the prefetches a tile ahead, then a permute
        /// per window of the row (from <paramref name="rowName"/>, the row or the line before it).</summary>
        private static void WriteRowGather(SourceText w, KernelPlan plan, RowGather gather, string rowName)
        {
            w.Line("// The line pairs this row's windows read, " + Int(RowGather.PrefetchRows) + " rows on: the same row of the next tile.");
            foreach (int offset in gather.PrefetchOffsets)
            {
                w.Line("global::KernelCompiler.Runtime.FusedRowTiles.Prefetch(ref " + rowName + ", " + Int(offset) + ");");
            }

            for (int k = 0; k < gather.SlotVectors; k++)
            {
                RowWindow[] windows = gather.Windows[k];
                var dims = new StringBuilder();
                for (int s = k * 16; s < System.Math.Min(gather.Slots, k * 16 + 16); s++)
                {
                    dims.Append(s == k * 16 ? "x[" : ", x[").Append(Int(plan.SlotDimensions[s])).Append(']');
                }

                w.Line("// Slots " + Int(k * 16) + ".." + Int(System.Math.Min(gather.Slots, k * 16 + 16) - 1) + ": " + dims + ".");
                for (int i = 0; i < windows.Length; i++)
                {
                    string value = WindowValue(windows[i], windows.Length == 1, rowName);
                    w.Line(i == 0 ? "v = " + value + ";" : "v = Vector512.ConditionalSelect(Vector512.Create(" + IntList(windows[i].MaskLanes()) + ").AsSingle(), " + value + ", v);");
                }

                w.Line("v.StoreUnsafe(ref rowSlots, " + Int(k * 256) + ");");
            }
        }

        /// <summary>A window's floats of the row in its lanes' order: a load, or a permute of one or two loads.</summary>
        private static string WindowValue(RowWindow window, bool only, string rowName)
        {
            string low = "Vector512.LoadUnsafe(ref " + rowName + ", " + Int(window.Start) + ")";
            if (window.IsPlainLoad(only))
            {
                return low;
            }

            string index = "Vector512.Create(" + IntList(window.Index) + ")";
            return window.TwoBlocks
                ? "Avx512F.PermuteVar16x32x2(" + low + ", " + index + ", Vector512.LoadUnsafe(ref " + rowName + ", " + Int(window.Start + RowGather.BlockFloats) + "))"
                : "Avx512F.PermuteVar16x32(" + low + ", " + index + ")";
        }

        /// <summary>The helper of EncodeRows for rows narrower than a vector (nothing where D ≥ 16).</summary>
        private static void WriteRowValues(SourceText w, KernelPlan plan)
        {
            if (RowGather.Applies(plan.InputDimension))
            {
                return;
            }

            w.Line();
            w.Line("// Row-major input: one split dimension of the tile's 16 rows, InputDimension floats apart.");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line("private static Vector512<float> RowValues(ref float tile, nint d)");
            w.Open();
            var sb = new StringBuilder("return Vector512.Create(");
            for (int r = 0; r < 16; r++)
            {
                if (r > 0) sb.Append(", ");
                sb.Append(r == 0 ? "Unsafe.Add(ref tile, d)" : "Unsafe.Add(ref tile, " + Int(r) + " * InputDimension + d)");
            }

            w.Line(sb.Append(");").ToString());
            w.Close();
        }
    }
}
