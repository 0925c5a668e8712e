using System;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The fused path's Scan for average models as IL: the same operations in the same order as
    // CSharpKernelWriter.FusedAverage.cs (the tables an argument, as in the exact Scan). Keep the two files in step.
    internal static partial class IlKernelEmitter
    {
        private static void WriteFusedAverageScan(Il il, KernelPlan plan)
        {
            int c = plan.Codebooks, g = plan.GroupSize, m = plan.OutputDimension, groups = plan.FusedGroups;
            Type vb = typeof(Vector512<byte>), vs = typeof(Vector512<short>), vsb = typeof(Vector512<sbyte>), vi = typeof(Vector512<int>);
            MethodInfo createInt = IlFusedMembers.CreateInt;
            MethodInfo intAsSByte = IlFusedMembers.IntAsSByte;
            MethodInfo loadCodes = IlFusedMembers.LoadUInts;
            MethodInfo uintAsByte = IlFusedMembers.UIntAsByte;
            MethodInfo byteAsUInt = IlFusedMembers.ByteAsUInt;
            MethodInfo loadTable = IlFusedMembers.LoadBytes;
            MethodInfo permute = IlFusedMembers.PermuteBytes;
            MethodInfo average = IlFusedMembers.AverageBytes;
            MethodInfo widen = IlFusedMembers.SumBytePairs;
            MethodInfo shift = IlFusedMembers.ShiftRightUInt;
            MethodInfo add = IlFusedMembers.AddShort;
            MethodInfo shortAsInt = IlFusedMembers.ShortAsInt;
            MethodInfo subtract = IlFusedMembers.SubtractInt;
            MethodInfo addInt = IlFusedMembers.AddInt;
            MethodInfo loadSums = IlFusedMembers.LoadInts;
            MethodInfo store = IlFusedMembers.StoreInts;

            il.Declare("low", vsb);
            il.Declare("high", vsb);
            if (plan.BiasCorrection != 0) il.Declare("bias", vi);
            int temps = 1;
            while ((1 << temps) < g) temps++;
            for (int i = 0; i < temps; i++) il.Declare("a" + i, vb);
            for (int i = 0; i < 4; i++) il.Declare("s" + i, vs);
            il.Declare("b", typeof(nint));
            il.Declare("codes", UintRef);
            il.Declare("blockSums", IntRef);
            for (int i = 0; i < g; i++) il.Declare("k" + i, vb);
            il.Declare("table", ByteRef);
            il.Declare("m", typeof(nint));

            // Vector512<sbyte> low = Vector512.Create(G).AsSByte(); high = Vector512.Create(G << 8).AsSByte();
            il.Int(g);
            il.Call(createInt);
            il.Call(intAsSByte);
            il.Store("low");
            il.Int(g << 8);
            il.Call(createInt);
            il.Call(intAsSByte);
            il.Store("high");
            if (plan.BiasCorrection != 0)
            {
                il.Int(plan.BiasCorrection);
                il.Call(createInt);
                il.Store("bias");
            }

            void Codes(int i)
            {
                // Vector512.LoadUnsafe(ref codes, i * 16).AsByte()
                il.Load("codes");
                il.Int(i * 16);
                il.Op(OpCodes.Conv_U);
                il.Call(loadCodes);
                il.Call(uintAsByte);
            }

            int groupStart = 0;
            void Lookup(int codebook)
            {
                // Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref table, (codebook - groupStart) / 4 * 64), k(codebook - groupStart))
                il.Load("table");
                il.Int((codebook - groupStart) / 4 * 64);
                il.Op(OpCodes.Conv_U);
                il.Call(loadTable);
                il.Load("k" + (codebook - groupStart));
                il.Call(permute);
            }

            void Tree(int start, int n, int depth)
            {
                if (n == 1)
                {
                    Lookup(start);
                }
                else if (n == 2)
                {
                    Lookup(start);
                    Lookup(start + 1);
                    il.Call(average);
                }
                else
                {
                    Tree(start, n / 2, depth);
                    Tree(start + n / 2, n / 2, depth + 1);
                    il.Load("a" + depth);
                    il.Load("a" + (depth + 1));
                    il.Call(average);
                }

                il.Store("a" + depth);
            }

            void Term(int s, string weights)
            {
                // s = Avx512BW.MultiplyAddAdjacent(a0, weights);
                il.Load("a0");
                il.Load(weights);
                il.Call(widen);
                il.Store("s" + s);
            }

            void SumsOffset(int t)
            {
                // (nuint)((t * OutputDimension + m) * 16)
                if (t > 0)
                {
                    il.Int(t * m);
                    il.Op(OpCodes.Conv_I);
                }

                il.Load("m");
                if (t > 0) il.Op(OpCodes.Add);
                il.Int(16);
                il.Op(OpCodes.Conv_I);
                il.Op(OpCodes.Mul);
            }

            NativeLoopBy(il, "b", 4, () => il.Arg(ScanTilesArg), () =>
            {
                // ref uint codes = ref Unsafe.Add(ref packed, b * (Groups * 16));
                Offset(il, ScanPackedArg, "b", groups * 16, typeof(uint));
                il.Store("codes");
                // ref int blockSums = ref Unsafe.Add(ref sums, b * (OutputDimension * 16));
                Offset(il, ScanSumsArg, "b", m * 16, typeof(int));
                il.Store("blockSums");
                for (int start = 0; start < c; start += g)
                {
                    bool first = start == 0, last = start + g >= c;
                    groupStart = start;
                    for (int i = 0; i < g; i++)
                    {
                        Codes(start + i);
                        il.Store("k" + i);
                    }

                    // ref byte table = ref Unsafe.Add(ref tables, start / 4 * 64);
                    il.Arg(ScanTablesArg);
                    il.Int(start / 4 * 64);
                    il.Call(IlFusedMembers.AddByteRefInt);
                    il.Store("table");
                    NativeLoop(il, "m", () => NativeConstant(il, m), () =>
                    {
                        Tree(start, g, 0);
                        Term(0, "low");
                        Term(1, "high");
                        // a0 = Vector512.ShiftRightLogical(a0.AsUInt32(), 16).AsByte();
                        il.Load("a0");
                        il.Call(byteAsUInt);
                        il.Int(16);
                        il.Call(shift);
                        il.Call(uintAsByte);
                        il.Store("a0");
                        Term(2, "low");
                        Term(3, "high");
                        for (int t = 0; t < 4; t++)
                        {
                            // [Vector512.LoadUnsafe(ref blockSums, offset) +] s_t.AsInt32() [- bias], stored at the offset.
                            if (!first)
                            {
                                il.Load("blockSums");
                                SumsOffset(t);
                                il.Call(loadSums);
                            }

                            il.Load("s" + t);
                            il.Call(shortAsInt);
                            if (!first) il.Call(addInt);
                            if (last && plan.BiasCorrection != 0)
                            {
                                il.Load("bias");
                                il.Call(subtract);
                            }

                            il.Load("blockSums");
                            SumsOffset(t);
                            il.Call(store);
                        }

                        // table = ref Unsafe.Add(ref table, Groups * 64);
                        il.Load("table");
                        il.Int(groups * 64);
                        il.Call(IlFusedMembers.AddByteRefInt);
                        il.Store("table");
                    });
                }
            });
            il.Return();
        }

        /// <summary>for (nint counter = 0; counter &lt; bound; counter += step) { body }, the test at the bottom.</summary>
        private static void NativeLoopBy(Il il, string counter, int step, Action bound, Action body)
        {
            Label top = il.G.DefineLabel();
            Label test = il.G.DefineLabel();
            il.Int(0);
            il.Op(OpCodes.Conv_I);
            il.Store(counter);
            il.G.Emit(OpCodes.Br, test);
            il.G.MarkLabel(top);
            body();
            il.Load(counter);
            il.Int(step);
            il.Op(OpCodes.Conv_I);
            il.Op(OpCodes.Add);
            il.Store(counter);
            il.G.MarkLabel(test);
            il.Load(counter);
            bound();
            il.G.Emit(OpCodes.Blt, top);
        }
    }
}
