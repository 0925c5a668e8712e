using System;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// The fused 128-bit path's steps as IL: the same calls and operations in the same order as
    /// <see cref="CSharpFusedVector128Writer"/> (one FusedVector128Tiles.EncodeColumns or EncodeRows call per codebook
    /// with its split columns and thresholds as constants; Scan's FusedVector128Tiles.Lookup, Average, Add and StoreSums
    /// calls per output). Hosted as the other fused steps are (IlKernelEmitter.FusedSteps.cs): a struct
    /// "Vector128FusedSteps" implementing <see cref="IFusedVector128KernelSteps"/> in the kernel's module. One difference by nature: ScanCore takes the tables as
    /// an argument (the struct's Scan passes its s_tables).
    /// Keep the two files in step.
    /// </summary>
    [RequiresDynamicCode("Emits IL.")]
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "Generic intrinsics are closed over primitive element types only.")]
    internal static class IlFusedVector128Emitter
    {
        private static readonly Type FloatRef = typeof(float).MakeByRefType();
        private static readonly Type ByteRef = typeof(byte).MakeByRefType();
        private static readonly Type V128b = typeof(Vector128<byte>);
        private static readonly Type V128u = typeof(Vector128<ushort>);

        private static readonly MethodInfo EncodeColumnsTiles = Tiles(nameof(FusedVector128Tiles.EncodeColumns));
        private static readonly MethodInfo EncodeRowsTiles = Tiles(nameof(FusedVector128Tiles.EncodeRows));
        private static readonly MethodInfo AddTiles = Tiles(nameof(FusedVector128Tiles.Add));
        private static readonly MethodInfo StoreSumsTiles = Tiles(nameof(FusedVector128Tiles.StoreSums));
        private static readonly MethodInfo LookupTiles = Tiles(nameof(FusedVector128Tiles.Lookup));
        private static readonly MethodInfo AverageTiles = Tiles(nameof(FusedVector128Tiles.Average));
        private static readonly MethodInfo CreateLanes = IlKernelEmitter.Method(typeof(Vector128), "Create", null,
            typeof(float), typeof(float), typeof(float), typeof(float));
        private static readonly MethodInfo AddByte = IlKernelEmitter.Method(typeof(Unsafe), "Add", typeof(byte), ByteRef, typeof(int));
        private static readonly MethodInfo LoadBytes = IlKernelEmitter.Method(typeof(Vector128), "LoadUnsafe", typeof(byte), ByteRef, typeof(nuint));
        private static readonly MethodInfo ZeroUshort = IlMembers.Getter(typeof(Vector128<ushort>), nameof(Vector128<ushort>.Zero));

        // EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles); EncodeRows(ref float x, ref byte codes, nint tiles);
        // Scan(ref byte codes, ref byte tables, ref ushort sums).
        private const int ColumnsX = 0, ColumnsStride = 1, ColumnsCodes = 2, ColumnsTiles = 3;
        private const int RowsX = 0, RowsCodes = 1, RowsTiles = 2;
        private const int ScanCodes = 0, ScanTables = 1, ScanSums = 2;

        private static readonly Type UshortRef = typeof(ushort).MakeByRefType();

        /// <summary>The path's steps for <paramref name="plan"/> as a struct in <paramref name="module"/>'s assembly, and
        /// <see cref="FusedVector128KernelRuntime.Run"/> compiled for it.</summary>
        internal static BlockStepsRun Emit(KernelPlan plan, KernelRuntimeModel model, IlKernelEmitter.BlockStepsModule module)
        {
            var type = new IlKernelEmitter.FusedStepsType(module.Module, module.Namespace + "." + CSharpFusedVector128Writer.StepsName,
                typeof(IFusedVector128KernelSteps));
            MethodBuilder columns = type.Core(nameof(IFusedVector128KernelSteps.EncodeColumns), new[] { FloatRef, typeof(nint), ByteRef, typeof(nint) });
            EmitEncodeColumns(columns, plan);
            type.Forward(nameof(IFusedVector128KernelSteps.EncodeColumns), columns, tablesAfterFirst: false);
            MethodBuilder rows = type.Core(nameof(IFusedVector128KernelSteps.EncodeRows), new[] { FloatRef, ByteRef, typeof(nint) });
            EmitEncodeRows(rows, plan);
            type.Forward(nameof(IFusedVector128KernelSteps.EncodeRows), rows, tablesAfterFirst: false);
            MethodBuilder scan = type.Core(nameof(IFusedVector128KernelSteps.Scan), new[] { ByteRef, ByteRef, UshortRef });
            EmitScan(scan, plan);
            type.Forward(nameof(IFusedVector128KernelSteps.Scan), scan, tablesAfterFirst: true);
            Type created = type.Create(model, FusedVector128Tiles.Tables(model.Tables));
            return IlMembers.FusedVector128Run.MakeGenericMethod(created).CreateDelegate<BlockStepsRun>();
        }

        private static MethodInfo Tiles(string name)
            => typeof(FusedVector128Tiles).GetMethod(name) ?? throw new InvalidOperationException(
                "The fused 128-bit emitter calls FusedVector128Tiles." + name + ", which this build does not have.");

        private static void EmitEncodeColumns(MethodBuilder method, KernelPlan plan)
        {
            ILGenerator il = method.GetILGenerator();
            for (int c = 0; c < plan.Codebooks; c++)
            {
                // FusedVector128Tiles.EncodeColumns(ref x, stride * (nint)d0, .., t0, l1, l2, l3Low, l3High, ref Unsafe.Add(ref codes, 16c), Codebooks * 16, tiles);
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
                // FusedVector128Tiles.EncodeRows(ref x, InputDimension, (nint)d0, .., t0, l1, l2, l3Low, l3High, ref Unsafe.Add(ref codes, 16c), Codebooks * 16, tiles);
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

        /// <summary>t0, then level 1, level 2 and level 3's two halves as Vector128.Create of four lanes each
        /// (CSharpFusedVector128Writer.ThresholdQuad).</summary>
        private static void EmitThresholds(ILGenerator il, KernelPlan plan, int c)
        {
            il.Emit(OpCodes.Ldc_R4, plan.Threshold(c, 0, 0));
            for (int part = 1; part < 5; part++)
            {
                foreach (float lane in CSharpFusedVector128Writer.ThresholdQuad(plan, c, part))
                {
                    il.Emit(OpCodes.Ldc_R4, lane);
                }

                il.Emit(OpCodes.Call, CreateLanes);
            }
        }

        /// <summary>ref Unsafe.Add(ref codes, 16c), Codebooks * 16, tiles.</summary>
        private static void EmitCodesTail(ILGenerator il, KernelPlan plan, int c, int codesArg, int tilesArg)
        {
            il.Emit(OpCodes.Ldarg, (short)codesArg);
            il.Emit(OpCodes.Ldc_I4, 16 * c);
            il.Emit(OpCodes.Call, AddByte);
            il.Emit(OpCodes.Ldc_I4, plan.Codebooks * 16);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Ldarg, (short)tilesArg);
        }

        private static void EmitScan(MethodBuilder method, KernelPlan plan)
        {
            ILGenerator il = method.GetILGenerator();
            LocalBuilder table = il.DeclareLocal(ByteRef);
            LocalBuilder m = il.DeclareLocal(typeof(nint));
            LocalBuilder all = il.DeclareLocal(V128u);
            LocalBuilder odd = il.DeclareLocal(V128u);
            int g = plan.IsAverage ? plan.GroupSize : 1, shift = 0;
            while ((1 << shift) < g) shift++;
            var temps = new LocalBuilder[Math.Max(1, shift)];
            for (int i = 0; i < temps.Length && plan.IsAverage; i++) temps[i] = il.DeclareLocal(V128b);

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
                    // FusedVector128Tiles.Add(ref all, ref odd, a0);
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
                    // FusedVector128Tiles.Add(ref all, ref odd, Lookup(c));
                    il.Emit(OpCodes.Ldloca, all);
                    il.Emit(OpCodes.Ldloca, odd);
                    EmitLookup(il, table, c);
                    il.Emit(OpCodes.Call, AddTiles);
                }
            }

            // FusedVector128Tiles.StoreSums(all, odd, ref sums, m * 16, shift, bias);
            il.Emit(OpCodes.Ldloc, all);
            il.Emit(OpCodes.Ldloc, odd);
            il.Emit(OpCodes.Ldarg, (short)ScanSums);
            il.Emit(OpCodes.Ldloc, m);
            il.Emit(OpCodes.Ldc_I4, 16);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Mul);
            il.Emit(OpCodes.Ldc_I4, plan.IsAverage ? shift : 0);
            il.Emit(OpCodes.Ldc_I4, plan.IsAverage ? plan.BiasCorrection : 0);
            il.Emit(OpCodes.Call, StoreSumsTiles);
            // table = ref Unsafe.Add(ref table, Codebooks * 16);
            il.Emit(OpCodes.Ldloc, table);
            il.Emit(OpCodes.Ldc_I4, plan.Codebooks * 16);
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

        /// <summary>FusedVector128Tiles.Lookup(Vector128.LoadUnsafe(ref table, 16c), Vector128.LoadUnsafe(ref codes, 16c)).</summary>
        private static void EmitLookup(ILGenerator il, LocalBuilder table, int c)
        {
            il.Emit(OpCodes.Ldloc, table);
            il.Emit(OpCodes.Ldc_I4, 16 * c);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Call, LoadBytes);
            il.Emit(OpCodes.Ldarg, (short)ScanCodes);
            il.Emit(OpCodes.Ldc_I4, 16 * c);
            il.Emit(OpCodes.Conv_I);
            il.Emit(OpCodes.Call, LoadBytes);
            il.Emit(OpCodes.Call, LookupTiles);
        }

        /// <summary>The rounding-average tree of codebooks start .. start + n − 1 into temps[depth], depth first, as
        /// CSharpFusedVector128Writer.WriteAverageTree writes it.</summary>
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
                il.Emit(OpCodes.Call, AverageTiles);
                il.Emit(OpCodes.Stloc, temps[depth]);
                return;
            }

            EmitAverageTree(il, table, temps, start, n / 2, depth);
            EmitAverageTree(il, table, temps, start + n / 2, n / 2, depth + 1);
            il.Emit(OpCodes.Ldloc, temps[depth]);
            il.Emit(OpCodes.Ldloc, temps[depth + 1]);
            il.Emit(OpCodes.Call, AverageTiles);
            il.Emit(OpCodes.Stloc, temps[depth]);
        }
    }
}
