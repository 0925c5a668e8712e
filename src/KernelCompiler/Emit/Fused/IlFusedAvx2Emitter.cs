using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The fused AVX2 path's steps as IL: the same calls and operations in the same order as
    /// <see cref="CSharpFusedAvx2Writer"/> (one FusedAvx2Tiles.EncodeColumns or EncodeRows call per codebook with its
    /// split columns and thresholds as constants; Scan's shuffles, averages and FusedAvx2Tiles.Add / StoreSums calls per
    /// output). Hosted as the VBMI steps are (IlKernelEmitter.FusedSteps.cs): a struct "Avx2FusedSteps" implementing
    /// <see cref="IFusedAvx2KernelSteps"/> in the kernel's module. One difference by nature: ScanCore takes the tables as
    /// an argument (the struct's Scan passes its s_tables).
    /// Keep the two files in step.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic intrinsics are closed over primitive element types only.")]
    internal static class IlFusedAvx2Emitter
    {
        private static readonly Type FloatRef = typeof(float).MakeByRefType();
        private static readonly Type ByteRef = typeof(byte).MakeByRefType();
        private static readonly Type IntRef = typeof(int).MakeByRefType();
        private static readonly Type V256f = typeof(Vector256<float>);
        private static readonly Type V256b = typeof(Vector256<byte>);
        private static readonly Type V256u = typeof(Vector256<ushort>);

        private static readonly MethodInfo EncodeColumnsTiles = Tiles(nameof(FusedAvx2Tiles.EncodeColumns));
        private static readonly MethodInfo EncodeRowsTiles = Tiles(nameof(FusedAvx2Tiles.EncodeRows));
        private static readonly MethodInfo AddTiles = Tiles(nameof(FusedAvx2Tiles.Add));
        private static readonly MethodInfo StoreSumsTiles = Tiles(nameof(FusedAvx2Tiles.StoreSums));
        private static readonly MethodInfo CreateLanes = IlKernelEmitter.Method(typeof(Vector256), "Create", null,
            typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float), typeof(float));
        private static readonly MethodInfo AddByte = IlKernelEmitter.Method(typeof(Unsafe), "Add", typeof(byte), ByteRef, typeof(int));
        private static readonly MethodInfo LoadBytes = IlKernelEmitter.Method(typeof(Vector256), "LoadUnsafe", typeof(byte), ByteRef, typeof(nuint));
        private static readonly MethodInfo Shuffle = IlMembers.Method(typeof(Avx2), nameof(Avx2.Shuffle), null, V256b, V256b);
        private static readonly MethodInfo Average = IlMembers.Method(typeof(Avx2), nameof(Avx2.Average), null, V256b, V256b);
        private static readonly MethodInfo ZeroUshort = IlMembers.Getter(typeof(Vector256<ushort>), nameof(Vector256<ushort>.Zero));

        // EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles); EncodeRows(ref float x, ref byte codes, nint tiles);
        // Scan(ref byte codes, ref byte tables, ref int sums).
        private const int ColumnsX = 0, ColumnsStride = 1, ColumnsCodes = 2, ColumnsTiles = 3;
        private const int RowsX = 0, RowsCodes = 1, RowsTiles = 2;
        private const int ScanCodes = 0, ScanTables = 1, ScanSums = 2;

        /// <summary>The path's steps for <paramref name="plan"/> as a struct in <paramref name="module"/>'s assembly, and
        /// <see cref="FusedAvx2KernelRuntime.Run"/> compiled for it.</summary>
        internal static BlockStepsRun Emit(KernelPlan plan, KernelRuntimeModel model, IlKernelEmitter.BlockStepsModule module)
        {
            var type = new IlKernelEmitter.FusedStepsType(module.Module, module.Namespace + "." + CSharpFusedAvx2Writer.StepsName,
                typeof(IFusedAvx2KernelSteps));
            MethodBuilder columns = type.Core(nameof(IFusedAvx2KernelSteps.EncodeColumns), new[] { FloatRef, typeof(nint), ByteRef, typeof(nint) });
            EmitEncodeColumns(columns, plan);
            type.Forward(nameof(IFusedAvx2KernelSteps.EncodeColumns), columns, tablesAfterFirst: false);
            MethodBuilder rows = type.Core(nameof(IFusedAvx2KernelSteps.EncodeRows), new[] { FloatRef, ByteRef, typeof(nint) });
            EmitEncodeRows(rows, plan);
            type.Forward(nameof(IFusedAvx2KernelSteps.EncodeRows), rows, tablesAfterFirst: false);
            MethodBuilder scan = type.Core(nameof(IFusedAvx2KernelSteps.Scan), new[] { ByteRef, ByteRef, IntRef });
            EmitScan(scan, plan);
            type.Forward(nameof(IFusedAvx2KernelSteps.Scan), scan, tablesAfterFirst: true);
            Type created = type.Create(model, FusedAvx2Tiles.Tables(model.Tables));
            return IlMembers.FusedAvx2Run.MakeGenericMethod(created).CreateDelegate<BlockStepsRun>();
        }

        private static MethodInfo Tiles(string name)
            => typeof(FusedAvx2Tiles).GetMethod(name) ?? throw new InvalidOperationException(
                "The fused AVX2 emitter calls FusedAvx2Tiles." + name + ", which this build does not have.");

        private static void EmitEncodeColumns(MethodBuilder method, KernelPlan plan)
        {
            ILGenerator il = method.GetILGenerator();
            for (int c = 0; c < plan.Codebooks; c++)
            {
                // FusedAvx2Tiles.EncodeColumns(ref x, stride * (nint)d0, .., t0, l1, l2, l3, ref Unsafe.Add(ref codes, 32c), Codebooks * 32, tiles);
                il.Emit(OpCodes.Ldarg, (short)ColumnsX);
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    il.Emit(OpCodes.Ldarg, (short)ColumnsStride);
                    il.Emit(OpCodes.Ldc_I4, plan.Model.SplitDimension(c, level));
                    il.Emit(OpCodes.Conv_I);
                    il.Emit(OpCodes.Mul);
                }

                EmitThresholds(il, plan, c);
                EmitCodesTail(il, plan, c, ColumnsCodes, ColumnsTiles);
                il.Emit(OpCodes.Call, EncodeColumnsTiles);
            }

            il.Emit(OpCodes.Ret);
        }

        private static void EmitEncodeRows(MethodBuilder method, KernelPlan plan)
        {
            ILGenerator il = method.GetILGenerator();
            for (int c = 0; c < plan.Codebooks; c++)
            {
                // FusedAvx2Tiles.EncodeRows(ref x, InputDimension, (nint)d0, .., t0, l1, l2, l3, ref Unsafe.Add(ref codes, 32c), Codebooks * 32, tiles);
                il.Emit(OpCodes.Ldarg, (short)RowsX);
                il.Emit(OpCodes.Ldc_I4, plan.InputDimension);
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    il.Emit(OpCodes.Ldc_I4, plan.Model.SplitDimension(c, level));
                    il.Emit(OpCodes.Conv_I);
                }

                EmitThresholds(il, plan, c);
                EmitCodesTail(il, plan, c, RowsCodes, RowsTiles);
                il.Emit(OpCodes.Call, EncodeRowsTiles);
            }

            il.Emit(OpCodes.Ret);
        }

        /// <summary>t0, then levels 1..3 as Vector256.Create of their eight lanes.</summary>
        private static void EmitThresholds(ILGenerator il, KernelPlan plan, int c)
        {
            il.Emit(OpCodes.Ldc_R4, plan.Threshold(c, 0, 0));
            for (int level = 1; level < LutModel.TreeDepth; level++)
            {
                for (int lane = 0; lane < KernelPlan.LanesPerLevel; lane++)
                {
                    il.Emit(OpCodes.Ldc_R4, plan.ThresholdLanes[(c * LutModel.TreeDepth + level) * KernelPlan.LanesPerLevel + lane]);
                }

                il.Emit(OpCodes.Call, CreateLanes);
            }
        }

        /// <summary>ref Unsafe.Add(ref codes, 32c), Codebooks * 32, tiles.</summary>
        private static void EmitCodesTail(ILGenerator il, KernelPlan plan, int c, int codesArg, int tilesArg)
        {
            il.Emit(OpCodes.Ldarg, (short)codesArg);
            il.Emit(OpCodes.Ldc_I4, 32 * c);
            il.Emit(OpCodes.Call, AddByte);
            il.Emit(OpCodes.Ldc_I4, plan.Codebooks * 32);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Ldarg, (short)tilesArg);
        }

        private static void EmitScan(MethodBuilder method, KernelPlan plan)
        {
            ILGenerator il = method.GetILGenerator();
            LocalBuilder table = il.DeclareLocal(ByteRef);
            LocalBuilder m = il.DeclareLocal(typeof(nint));
            LocalBuilder all = il.DeclareLocal(V256u);
            LocalBuilder odd = il.DeclareLocal(V256u);
            int g = plan.IsAverage ? plan.GroupSize : 1, shift = 0;
            while ((1 << shift) < g) shift++;
            var temps = new LocalBuilder[Math.Max(1, shift)];
            for (int i = 0; i < temps.Length && plan.IsAverage; i++) temps[i] = il.DeclareLocal(V256b);

            // ref byte table = ref tables; for (nint m = 0; m < OutputDimension; m++) { ... }
            il.Emit(OpCodes.Ldarg, (short)ScanTables);
            il.Emit(OpCodes.Stloc, table);
            Label top = il.DefineLabel(), test = il.DefineLabel();
            il.Emit(OpCodes.Ldc_I4_0);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Stloc, m);
            il.Emit(OpCodes.Br, test);
            il.MarkLabel(top);
            il.Emit(OpCodes.Call, ZeroUshort);
            il.Emit(OpCodes.Stloc, all);
            il.Emit(OpCodes.Call, ZeroUshort);
            il.Emit(OpCodes.Stloc, odd);
            if (plan.IsAverage)
            {
                for (int start = 0; start < plan.Codebooks; start += g)
                {
                    EmitAverageTree(il, table, temps, start, g, 0);
                    // FusedAvx2Tiles.Add(ref all, ref odd, a0);
                    il.Emit(OpCodes.Ldloca, all);
                    il.Emit(OpCodes.Ldloca, odd);
                    il.Emit(OpCodes.Ldloc, temps[0]);
                    il.Emit(OpCodes.Call, AddTiles);
                }
            }
            else
            {
                for (int c = 0; c < plan.Codebooks; c++)
                {
                    // FusedAvx2Tiles.Add(ref all, ref odd, Lookup(c));
                    il.Emit(OpCodes.Ldloca, all);
                    il.Emit(OpCodes.Ldloca, odd);
                    EmitLookup(il, table, c);
                    il.Emit(OpCodes.Call, AddTiles);
                }
            }

            // FusedAvx2Tiles.StoreSums(all, odd, ref sums, m * 32, shift, bias);
            il.Emit(OpCodes.Ldloc, all);
            il.Emit(OpCodes.Ldloc, odd);
            il.Emit(OpCodes.Ldarg, (short)ScanSums);
            il.Emit(OpCodes.Ldloc, m);
            il.Emit(OpCodes.Ldc_I4, 32);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Ldc_I4, plan.IsAverage ? shift : 0);
            il.Emit(OpCodes.Ldc_I4, plan.IsAverage ? plan.BiasCorrection : 0);
            il.Emit(OpCodes.Call, StoreSumsTiles);
            // table = ref Unsafe.Add(ref table, Codebooks * 32);
            il.Emit(OpCodes.Ldloc, table);
            il.Emit(OpCodes.Ldc_I4, plan.Codebooks * 32);
            il.Emit(OpCodes.Call, AddByte);
            il.Emit(OpCodes.Stloc, table);
            // m++
            il.Emit(OpCodes.Ldloc, m);
            il.Emit(OpCodes.Ldc_I4_1);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, m);
            il.MarkLabel(test);
            il.Emit(OpCodes.Ldloc, m);
            il.Emit(OpCodes.Ldc_I4, plan.OutputDimension);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Blt, top);
            il.Emit(OpCodes.Ret);
        }

        /// <summary>Avx2.Shuffle(Vector256.LoadUnsafe(ref table, 32c), Vector256.LoadUnsafe(ref codes, 32c)).</summary>
        private static void EmitLookup(ILGenerator il, LocalBuilder table, int c)
        {
            il.Emit(OpCodes.Ldloc, table);
            il.Emit(OpCodes.Ldc_I4, 32 * c);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Call, LoadBytes);
            il.Emit(OpCodes.Ldarg, (short)ScanCodes);
            il.Emit(OpCodes.Ldc_I4, 32 * c);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Call, LoadBytes);
            il.Emit(OpCodes.Call, Shuffle);
        }

        /// <summary>The rounding-average tree of codebooks start .. start + n − 1 into temps[depth], depth first, as
        /// CSharpFusedAvx2Writer.WriteAverageTree writes it.</summary>
        private static void EmitAverageTree(ILGenerator il, LocalBuilder table, LocalBuilder[] temps, int start, int n, int depth)
        {
            if (n == 1)
            {
                EmitLookup(il, table, start);
                il.Emit(OpCodes.Stloc, temps[depth]);
                return;
            }

            if (n == 2)
            {
                EmitLookup(il, table, start);
                EmitLookup(il, table, start + 1);
                il.Emit(OpCodes.Call, Average);
                il.Emit(OpCodes.Stloc, temps[depth]);
                return;
            }

            EmitAverageTree(il, table, temps, start, n / 2, depth);
            EmitAverageTree(il, table, temps, start + n / 2, n / 2, depth + 1);
            il.Emit(OpCodes.Ldloc, temps[depth]);
            il.Emit(OpCodes.Ldloc, temps[depth + 1]);
            il.Emit(OpCodes.Call, Average);
            il.Emit(OpCodes.Stloc, temps[depth]);
        }
    }
}
