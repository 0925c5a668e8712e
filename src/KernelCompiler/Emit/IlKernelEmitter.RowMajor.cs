using System;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The fused path's EncodeRows step (row-major input; see RowGather) as IL: the same operations in the same order as
    // CSharpKernelWriter.RowMajor.cs. Keep the two files in step.
    internal static partial class IlKernelEmitter
    {
        /// <summary>EncodeRows(ref float x, ref uint packed, nint tiles, int phase): row r of tile t at x[(16 · t + r) · D ..].</summary>
        private static void WriteFusedEncodeRows(MethodBuilder rows, KernelPlan plan)
        {
            int g = plan.FusedGroups;
            var il = new Il(rows.GetILGenerator());
            RowGather? gather = RowGather.For(plan);
            if (gather == null)
            {
                // Rows narrower than a vector: each split value of the tile's 16 rows read one by one.
                DeclareFusedLocals(il);
                WriteFusedConstants(il);
                NativeLoop(il, "t", () => il.Arg(RowsTilesArg), () =>
                {
                    // ref float tile = ref Unsafe.Add(ref x, t * (16 * InputDimension));
                    Offset(il, RowsXArg, "t", 16L * plan.InputDimension, typeof(float));
                    il.Store("tile");
                    Offset(il, RowsPackedArg, "t", g * 16, typeof(uint));
                    il.Store("codes");
                    for (int group = 0; group < g; group++)
                    {
                        WriteFusedGroup(il, plan, group, d => RowValues(il, plan, d));
                    }
                });
                il.Return();
                return;
            }

            // Span<float> buffer = stackalloc float[SlotVectors * 256]; uninitialised, as under the generated kernel's
            // SkipLocalsInit (every float is written before it is read).
            rows.InitLocals = false;
            il.Declare("buffer", typeof(Span<float>));
            il.Declare("slots", FloatRef);
            DeclareFusedLocals(il);
            il.Declare("r", typeof(nint));
            il.Declare("row", FloatRef);
            il.Declare("rowSlots", FloatRef);
            int[] phases = RowPhases.All(plan.InputDimension);
            if (phases.Length > 0)
            {
                il.Declare("line", FloatRef);
            }

            il.Declare("v", typeof(Vector512<float>));
            int floats = gather.SlotVectors * 256;
            il.Int(floats * sizeof(float));
            il.Op(OpCodes.Conv_U);
            il.Op(OpCodes.Localloc);
            il.Int(floats);
            il.G.Emit(OpCodes.Newobj, typeof(Span<float>).GetConstructor(new[] { typeof(void*), typeof(int) })!);
            il.Store("buffer");
            // ref float slots = ref MemoryMarshal.GetReference(buffer);
            il.Load("buffer");
            il.Call(IlFusedMembers.SpanFloatReference);
            il.Store("slots");

            MethodInfo add = IlFusedMembers.AddFloatRef;
            MethodInfo load = IlFusedMembers.LoadFloats;
            MethodInfo store = IlFusedMembers.StoreFloats;
            NativeLoop(il, "t", () => il.Arg(RowsTilesArg), () =>
            {
                // ref float tile = ref Unsafe.Add(ref x, t * (16 * InputDimension));
                Offset(il, RowsXArg, "t", 16L * plan.InputDimension, typeof(float));
                il.Store("tile");
                // ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));
                Offset(il, RowsPackedArg, "t", g * 16, typeof(uint));
                il.Store("codes");
                NativeLoop(il, "r", () => NativeConstant(il, 16), () =>
                {
                    // ref float row = ref Unsafe.Add(ref tile, r * InputDimension);
                    il.Load("tile");
                    il.Load("r");
                    NativeConstant(il, plan.InputDimension);
                    il.Op(OpCodes.Mul);
                    il.Call(add);
                    il.Store("row");
                    // ref float rowSlots = ref Unsafe.Add(ref slots, r * 16);
                    il.Load("slots");
                    il.Load("r");
                    NativeConstant(il, 16);
                    il.Op(OpCodes.Mul);
                    il.Call(add);
                    il.Store("rowSlots");
                    if (phases.Length == 0)
                    {
                        WriteRowGather(il, gather, "row", load, store);
                        return;
                    }

                    // switch (phase): rows a few floats off a 64-byte line read whole lines (no load across two).
                    Label other = il.G.DefineLabel(), done = il.G.DefineLabel();
                    var table = new Label[16];
                    var cases = new Label[16];
                    for (int p = 0; p < table.Length; p++) table[p] = other;
                    foreach (int phase in phases) table[phase] = cases[phase] = il.G.DefineLabel();
                    il.Arg(RowsPhaseArg);
                    il.G.Emit(OpCodes.Switch, table);
                    il.G.Emit(OpCodes.Br, other);
                    foreach (int phase in phases)
                    {
                        il.G.MarkLabel(cases[phase]);
                        // ref float line = ref Unsafe.Add(ref row, -phase);
                        il.Load("row");
                        NativeConstant(il, -phase);
                        il.Call(add);
                        il.Store("line");
                        WriteRowGather(il, RowGather.ForPhase(plan, phase), "line", load, store);
                        il.G.Emit(OpCodes.Br, done);
                    }

                    il.G.MarkLabel(other);
                    WriteRowGather(il, gather, "row", load, store);
                    il.G.MarkLabel(done);
                });

                // FusedRowTiles.TransposeSlots(ref slots, SlotVectors);
                il.Load("slots");
                il.Int(gather.SlotVectors);
                il.Op(OpCodes.Conv_I);
                il.Call(IlMembers.FusedTransposeSlots);
                WriteFusedConstants(il);
                for (int group = 0; group < g; group++)
                {
                    WriteFusedGroup(il, plan, group, d =>
                    {
                        // Vector512.LoadUnsafe(ref slots, 16 * slot)
                        il.Load("slots");
                        il.Int(16 * gather.SlotOf(d));
                        il.Op(OpCodes.Conv_U);
                        il.Call(load);
                    });
                }
            });
            il.Return();
        }

        /// <summary>A row's split values into its slot vectors at rowSlots: the prefetches a tile ahead, then a permute
        /// per window of the row (from the local <paramref name="rowName"/>, the row or the line before it).</summary>
        private static void WriteRowGather(Il il, RowGather gather, string rowName, MethodInfo load, MethodInfo store)
        {
            // FusedRowTiles.Prefetch(ref row, offset); per prefetched line pair, a tile ahead.
            foreach (int offset in gather.PrefetchOffsets)
            {
                il.Load(rowName);
                NativeConstant(il, offset);
                il.Call(IlMembers.FusedPrefetch);
            }

            for (int k = 0; k < gather.SlotVectors; k++)
            {
                RowWindow[] windows = gather.Windows[k];
                for (int i = 0; i < windows.Length; i++)
                {
                    // v = value (first) or v = Vector512.ConditionalSelect(Vector512.Create(mask).AsSingle(), value, v);
                    if (i > 0)
                    {
                        foreach (int lane in windows[i].MaskLanes()) il.Int(lane);
                        il.Call(IlFusedMembers.CreateSixteenInts);
                        il.Call(IlFusedMembers.IntAsSingle);
                    }

                    WindowValue(il, windows[i], windows.Length == 1, load, rowName);
                    if (i > 0)
                    {
                        il.Load("v");
                        il.Call(IlFusedMembers.SelectFloat);
                    }

                    il.Store("v");
                }

                // v.StoreUnsafe(ref rowSlots, k * 256);
                il.Load("v");
                il.Load("rowSlots");
                il.Int(k * 256);
                il.Op(OpCodes.Conv_U);
                il.Call(store);
            }
        }

        /// <summary>Pushes a window's floats of the row in its lanes' order: a load, or a permute of one or two loads.</summary>
        private static void WindowValue(Il il, RowWindow window, bool only, MethodInfo load, string rowName)
        {
            void Load(int start)
            {
                // Vector512.LoadUnsafe(ref row, start)
                il.Load(rowName);
                il.Int(start);
                il.Op(OpCodes.Conv_U);
                il.Call(load);
            }

            Load(window.Start);
            if (window.IsPlainLoad(only))
            {
                return;
            }

            foreach (int lane in window.Index) il.Int(lane);
            il.Call(IlFusedMembers.CreateSixteenInts);
            if (window.TwoBlocks)
            {
                // Avx512F.PermuteVar16x32x2(low, index, high)
                Load(window.Start + RowGather.BlockFloats);
                il.Call(IlFusedMembers.PermuteFloatsTwo);
            }
            else
            {
                // Avx512F.PermuteVar16x32(low, index)
                il.Call(IlFusedMembers.PermuteFloats);
            }
        }
    }
}
