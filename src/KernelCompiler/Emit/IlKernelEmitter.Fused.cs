using System;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The fused AVX-512 VBMI path's steps (KernelCompiler.Runtime.IFusedKernelSteps) as IL: the same operations in the
    // same order as CSharpKernelWriter.Fused.cs, down to the IL the C# compiler makes of them (locals for the nodes and
    // the tree's constants, Unsafe.Add for every offset), and the helpers Level and RowValues are calls to
    // EmittedFusedHelpers as the generated steps call theirs, so the JIT compiles both to the same machine code. One difference by nature: IL has no static
    // data, so ScanCore takes the fused tables as an argument (the steps type's Scan passes its s_tables; see IlKernelEmitter.FusedSteps.cs). Keep the two
    // files in step.
    internal static partial class IlKernelEmitter
    {
        private static readonly Type UintRef = typeof(uint).MakeByRefType();

        // EncodeColumns(ref float x, nint stride, ref uint packed, nint tiles)
        private const int ColumnsXArg = 0, ColumnsStrideArg = 1, ColumnsPackedArg = 2, ColumnsTilesArg = 3;

        // EncodeRows(ref float x, ref uint packed, nint tiles, int phase)
        private const int RowsXArg = 0, RowsPackedArg = 1, RowsTilesArg = 2, RowsPhaseArg = 3;

        // Scan(ref uint packed, ref byte tables, ref int sums, nint tiles)
        private const int ScanPackedArg = 0, ScanTablesArg = 1, ScanSumsArg = 2, ScanTilesArg = 3;

        /// <summary>The fused path's steps as a struct "FusedSteps" in the kernel's module, with the tables Scan reads
        /// (the model's own when C is a multiple of 4, as the C# writer's <c>FusedTables =&gt; Tables</c>), and the
        /// runtime's entry points compiled for it.</summary>
        private static EmittedFusedSteps EmitFusedSteps(KernelPlan plan, KernelRuntimeModel model, byte[] tables, BlockStepsModule module)
        {
            int g = plan.FusedGroups;
            var type = new FusedStepsType(module.Module, module.Namespace + ".FusedSteps", typeof(IFusedKernelSteps));

            // EncodeColumns: tile t's 16 values of dimension d at x[d · stride + 16 · t ..]. Group by group over all the
            // tiles, so each split column is read as one run the prefetcher follows.
            MethodBuilder columns = type.Core(nameof(IFusedKernelSteps.EncodeColumns), new[] { FloatRef, typeof(nint), UintRef, typeof(nint) });
            var il = new Il(columns.GetILGenerator());
            DeclareFusedLocals(il);
            WriteFusedConstants(il);
            for (int group = 0; group < g; group++)
            {
                int current = group;
                NativeLoop(il, "t", () => il.Arg(ColumnsTilesArg), () =>
                {
                    // ref float tile = ref Unsafe.Add(ref x, t * 16);
                    Offset(il, ColumnsXArg, "t", 16, typeof(float));
                    il.Store("tile");
                    // ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));
                    Offset(il, ColumnsPackedArg, "t", g * 16, typeof(uint));
                    il.Store("codes");
                    WriteFusedGroup(il, plan, current, d =>
                    {
                        // Vector512.LoadUnsafe(ref tile, (nuint)(stride * d))
                        il.Load("tile");
                        il.Arg(ColumnsStrideArg);
                        il.Int(d);
                        il.Op(OpCodes.Conv_I);
                        il.Op(OpCodes.Mul);
                        il.Call(IlFusedMembers.LoadFloats);
                    });
                });
            }

            il.Return();
            type.Forward(nameof(IFusedKernelSteps.EncodeColumns), columns, tablesAfterFirst: false);

            MethodBuilder rows = type.Core(nameof(IFusedKernelSteps.EncodeRows), new[] { FloatRef, UintRef, typeof(nint), typeof(int) });
            WriteFusedEncodeRows(rows, plan);
            type.Forward(nameof(IFusedKernelSteps.EncodeRows), rows, tablesAfterFirst: false);

            MethodBuilder scan = type.Core(nameof(IFusedKernelSteps.Scan), new[] { UintRef, ByteRef, IntRef, typeof(nint) });
            if (plan.IsAverage)
            {
                WriteFusedAverageScan(new Il(scan.GetILGenerator()), plan);
            }
            else
            {
                WriteFusedExactScan(new Il(scan.GetILGenerator()), plan);
            }

            type.Forward(nameof(IFusedKernelSteps.Scan), scan, tablesAfterFirst: true);

            Type created = type.Create(model, new AlignedBytes(tables));
            return new EmittedFusedSteps(created,
                IlMembers.FusedRun.MakeGenericMethod(created).CreateDelegate<FusedStepsRun>(),
                IlMembers.FusedMultiplyRows.MakeGenericMethod(created).CreateDelegate<FusedStepsMultiplyRows>());
        }

        /// <summary>The locals of both encode steps, in the C# compiler's order: the nodes n0..n3 and the constants of
        /// <see cref="WriteFusedConstants"/> (declared before the tile loop), then the tile counter, the tile's input and
        /// codes.</summary>
        private static void DeclareFusedLocals(Il il)
        {
            for (int j = 0; j < 4; j++) il.Declare("n" + j, typeof(Vector512<int>));
            foreach ((string name, int _) in KernelPlan.FusedConstants) il.Declare(name, typeof(Vector512<int>));
            il.Declare("t", typeof(nint));
            il.Declare("tile", FloatRef);
            il.Declare("codes", UintRef);
        }

        /// <summary>Vector512&lt;int&gt; start0 = Vector512.Create(0), right0 = Vector512.Create(8), ..., bit1 = Vector512.Create(1);
        /// before the tile loops, so the JIT keeps them in registers.</summary>
        private static void WriteFusedConstants(Il il)
        {
            MethodInfo createInt = IlFusedMembers.CreateInt;
            foreach ((string name, int value) in KernelPlan.FusedConstants)
            {
                il.Int(value);
                il.Call(createInt);
                il.Store(name);
            }
        }

        /// <summary>for (nint counter = 0; counter &lt; bound; counter++) { body }, the test at the bottom as C# compiles it.</summary>
        private static void NativeLoop(Il il, string counter, Action bound, Action body)
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
            il.Int(1);
            il.Op(OpCodes.Conv_I);
            il.Op(OpCodes.Add);
            il.Store(counter);
            il.G.MarkLabel(test);
            il.Load(counter);
            bound();
            il.G.Emit(OpCodes.Blt, top);
        }

        /// <summary>Pushes ref Unsafe.Add(ref arg, counter * elements) as the C# writes it (elements a constant,
        /// widened to 64 bits where 16 · D does not fit in 32).</summary>
        private static void Offset(Il il, int arg, string counter, long elements, Type element)
        {
            il.Arg(arg);
            il.Load(counter);
            NativeConstant(il, elements);
            il.Op(OpCodes.Mul);
            il.Call(IlFusedMembers.AddRef(element));
        }

        private static void NativeConstant(Il il, long value)
        {
            if (value >= int.MinValue && value <= int.MaxValue)
            {
                il.Int((int)value);
            }
            else
            {
                il.G.Emit(OpCodes.Ldc_I8, value);
            }

            il.Op(OpCodes.Conv_I);
        }

        /// <summary>The tree walk of one group's four codebooks for one tile, level by level across the four;
        /// <paramref name="load"/> pushes the values of one input dimension for the tile's 16 rows (a
        /// Vector512&lt;float&gt;). Reads the locals of <see cref="WriteFusedConstants"/>.</summary>
        private static void WriteFusedGroup(Il il, KernelPlan plan, int group, Action<int> load)
        {
            MethodInfo createFloat = IlFusedMembers.CreateFloat;
            MethodInfo compare = IlFusedMembers.LessThanOrEqualFloat;
            MethodInfo asInt = IlFusedMembers.FloatAsInt;
            MethodInfo select = IlFusedMembers.SelectInt;
            MethodInfo createLanes = IlFusedMembers.CreateSixteenFloats;
            MethodInfo levelStep = IlMembers.FusedLevel;
            MethodInfo shift = IlFusedMembers.ShiftLeftInt;
            MethodInfo or = IlFusedMembers.OrInt;
            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                for (int j = 0; j < 4; j++)
                {
                    int c = group * 4 + j;
                    string n = "n" + j;
                    if (c >= plan.Codebooks)
                    {
                        // A padding codebook: code 0, whose table bytes are 0. n = start_j;
                        if (level == 0)
                        {
                            il.Load("start" + j);
                            il.Store(n);
                        }

                        continue;
                    }

                    if (level == 0)
                    {
                        // n = Vector512.ConditionalSelect(Vector512.LessThanOrEqual(Vector512.Create(t), load(dim0)).AsInt32(), right_j, start_j);
                        il.Float(plan.Threshold(c, 0, 0));
                        il.Call(createFloat);
                        load(plan.Model.SplitDimension(c, 0));
                        il.Call(compare);
                        il.Call(asInt);
                        il.Load("right" + j);
                        il.Load("start" + j);
                        il.Call(select);
                    }
                    else
                    {
                        // n = Level(n, load(dim), Vector512.Create(lanes), bit(8 >> level));
                        il.Load(n);
                        load(plan.Model.SplitDimension(c, level));
                        foreach (float lane in plan.FusedLanes(c, level)) il.Float(lane);
                        il.Call(createLanes);
                        il.Load("bit" + (8 >> level));
                        il.Call(levelStep);
                    }

                    il.Store(n);
                }
            }

            // (n0 | (n1 << 8) | (n2 << 16) | (n3 << 24)).AsUInt32().StoreUnsafe(ref codes, group * 16);
            il.Load("n0");
            for (int j = 1; j < 4; j++)
            {
                il.Load("n" + j);
                il.Int(8 * j);
                il.Call(shift);
                il.Call(or);
            }

            il.Call(IlFusedMembers.IntAsUInt);
            il.Load("codes");
            il.Int(group * 16);
            il.Op(OpCodes.Conv_U);
            il.Call(IlFusedMembers.StoreUInts);
        }

        /// <summary>RowValues(ref tile, d): the tile's 16 values of dimension d, InputDimension floats apart.</summary>
        private static void RowValues(Il il, KernelPlan plan, int d)
        {
            il.Load("tile");
            il.Int(d);
            il.Op(OpCodes.Conv_I);
            il.Int(plan.InputDimension);
            il.Call(IlMembers.FusedRowValues);
        }

        private static void WriteFusedExactScan(Il il, KernelPlan plan)
        {
            int g = plan.FusedGroups, m = plan.OutputDimension;
            Type vb = typeof(Vector512<byte>), vs = typeof(Vector512<short>), vsb = typeof(Vector512<sbyte>);
            il.Declare("ones", vsb);
            il.Declare("pairs", vs);
            il.Declare("t", typeof(nint));
            il.Declare("codes", UintRef);
            il.Declare("tileSums", IntRef);
            il.Declare("table", ByteRef);
            il.Declare("m", typeof(nint));
            il.Declare("acc", vs);

            // Vector512<sbyte> ones = Vector512.Create((sbyte)1); Vector512<short> pairs = Vector512.Create((short)1);
            il.Int(1);
            il.Call(IlFusedMembers.CreateSByte);
            il.Store("ones");
            il.Int(1);
            il.Call(IlFusedMembers.CreateShort);
            il.Store("pairs");

            MethodInfo loadCodes = IlFusedMembers.LoadUInts;
            MethodInfo asByte = IlFusedMembers.UIntAsByte;
            MethodInfo loadTable = IlFusedMembers.LoadBytes;
            MethodInfo permute = IlFusedMembers.PermuteBytes;
            MethodInfo sumBytes = IlFusedMembers.SumBytePairs;
            MethodInfo sumPairs = IlFusedMembers.SumShortPairs;
            MethodInfo add = IlFusedMembers.AddShort;

            // Up to 16 groups stay in registers across the outputs; more are reloaded (from L1) per output.
            bool inRegisters = g <= 16;
            if (inRegisters)
            {
                for (int i = 0; i < g; i++) il.Declare("k" + i, vb);
            }

            void Codes(int i)
            {
                // Vector512.LoadUnsafe(ref codes, i * 16).AsByte()
                il.Load("codes");
                il.Int(i * 16);
                il.Op(OpCodes.Conv_U);
                il.Call(loadCodes);
                il.Call(asByte);
            }

            NativeLoop(il, "t", () => il.Arg(ScanTilesArg), () =>
            {
                // ref uint codes = ref Unsafe.Add(ref packed, t * (Groups * 16));
                Offset(il, ScanPackedArg, "t", g * 16, typeof(uint));
                il.Store("codes");
                // ref int tileSums = ref Unsafe.Add(ref sums, t * (OutputDimension * 16));
                Offset(il, ScanSumsArg, "t", m * 16, typeof(int));
                il.Store("tileSums");
                if (inRegisters)
                {
                    for (int i = 0; i < g; i++)
                    {
                        Codes(i);
                        il.Store("k" + i);
                    }
                }

                // ref byte table = ref tables (the C#'s s_tables.Reference);
                il.Arg(ScanTablesArg);
                il.Store("table");
                NativeLoop(il, "m", () => NativeConstant(il, m), () =>
                {
                    for (int i = 0; i < g; i++)
                    {
                        // acc = term (i = 0) or acc += term, term =
                        // Avx512BW.MultiplyAddAdjacent(Avx512Vbmi.PermuteVar64x8(Vector512.LoadUnsafe(ref table, i * 64), k_i), ones)
                        if (i > 0)
                        {
                            il.Load("acc");
                        }

                        il.Load("table");
                        il.Int(i * 64);
                        il.Op(OpCodes.Conv_U);
                        il.Call(loadTable);
                        if (inRegisters)
                        {
                            il.Load("k" + i);
                        }
                        else
                        {
                            Codes(i);
                        }

                        il.Call(permute);
                        il.Load("ones");
                        il.Call(sumBytes);
                        if (i > 0)
                        {
                            il.Call(add);
                        }

                        il.Store("acc");
                    }

                    // Avx512BW.MultiplyAddAdjacent(acc, pairs).StoreUnsafe(ref tileSums, (nuint)(m * 16));
                    il.Load("acc");
                    il.Load("pairs");
                    il.Call(sumPairs);
                    il.Load("tileSums");
                    il.Load("m");
                    il.Int(16);
                    il.Op(OpCodes.Conv_I);
                    il.Op(OpCodes.Mul);
                    il.Call(IlFusedMembers.StoreInts);
                    // table = ref Unsafe.Add(ref table, Groups * 64);
                    il.Load("table");
                    il.Int(g * 64);
                    il.Call(IlFusedMembers.AddByteRefInt);
                    il.Store("table");
                });
            });
            il.Return();
        }
    }
}
