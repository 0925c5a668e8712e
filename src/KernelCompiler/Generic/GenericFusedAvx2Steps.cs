using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;

namespace KernelCompiler.Generic
{
    /// <summary>
    /// The fused AVX2 path's steps read from data: the same FusedAvx2Tiles calls in the same order as the steps the
    /// emitters write (Emit/Fused/IlFusedAvx2Emitter.cs, CSharpFusedAvx2Writer.cs), with each codebook's split dimensions
    /// and threshold lanes loaded from arrays instead of folded in as constants, and Scan a loop over outputs and
    /// codebooks instead of unrolled code. So the generic kernel runs <see cref="FusedAvx2KernelRuntime"/> bit for bit as
    /// the emitted kernels do, without generating code.
    /// </summary>
    /// <remarks>Everything is prepared once in <see cref="Create"/> (the planner's threshold lanes, the runtime's doubled
    /// tables); the steps allocate nothing per call and hold no mutable state.</remarks>
    internal readonly struct GenericFusedAvx2Steps : IFusedAvx2KernelSteps
    {
        private readonly int[] _splits;          // [c][level]
        private readonly float[] _lanes;         // KernelPlan.ThresholdLanes: [c][level][8]
        private readonly AlignedBytes _tables;   // FusedAvx2Tiles.Tables: [m][c][32]
        private readonly int _inputDimension;
        private readonly int _codebooks;
        private readonly int _outputs;
        private readonly int _group;             // G for average models, 0 for exact ones
        private readonly int _shift;             // log2 G (average), 0 (exact)
        private readonly int _bias;              // the bias correction (average), 0 (exact)

        private GenericFusedAvx2Steps(KernelPlan plan, KernelRuntimeModel model)
        {
            Model = model;
            _splits = plan.Model.SplitDimensions.ToArray();
            _lanes = plan.ThresholdLanes;
            _tables = FusedAvx2Tiles.Tables(model.Tables);
            _inputDimension = plan.InputDimension;
            _codebooks = plan.Codebooks;
            _outputs = plan.OutputDimension;
            _group = plan.IsAverage ? plan.GroupSize : 0;
            int shift = 0;
            while (plan.IsAverage && (1 << shift) < plan.GroupSize)
            {
                shift++;
            }

            _shift = shift;
            _bias = plan.BiasCorrection;
        }

        /// <summary>The model's data as the runtime reads it (made as the IL emitter makes it).</summary>
        public KernelRuntimeModel Model { get; }

        /// <summary>The steps of <paramref name="model"/>, which must fit the fused path (<c>KernelPlanner.CanFuse</c>).</summary>
        public static GenericFusedAvx2Steps Create(LutModel model)
        {
            KernelPlan plan = KernelPlanner.Create(model);
            var runtimeModel = new KernelRuntimeModel(KernelRuntimeModel.ContractVersion, plan.InputDimension, plan.Codebooks,
                plan.OutputDimension, model.Aggregation, plan.SlotDimensions, model.Tables, model.Steps, model.Offsets);
            return new GenericFusedAvx2Steps(plan, runtimeModel);
        }

        /// <summary>One FusedAvx2Tiles.EncodeColumns call per codebook, as the emitted steps make it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles)
        {
            ref int split = ref MemoryMarshal.GetArrayDataReference(_splits);
            ref float lanes = ref MemoryMarshal.GetArrayDataReference(_lanes);
            nint codesPerTile = (nint)_codebooks * FusedAvx2KernelRuntime.TileRows;
            for (int c = 0; c < _codebooks; c++)
            {
                ref float own = ref Unsafe.Add(ref lanes, c * LaneFloats);
                FusedAvx2Tiles.EncodeColumns(ref x, stride * Unsafe.Add(ref split, 4 * c), stride * Unsafe.Add(ref split, 4 * c + 1),
                    stride * Unsafe.Add(ref split, 4 * c + 2), stride * Unsafe.Add(ref split, 4 * c + 3), own,
                    Level(ref own, 1), Level(ref own, 2), Level(ref own, 3),
                    ref Unsafe.Add(ref codes, c * FusedAvx2KernelRuntime.TileRows), codesPerTile, tiles);
            }
        }

        /// <summary>One FusedAvx2Tiles.EncodeRows call per codebook, as the emitted steps make it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void EncodeRows(ref float x, ref byte codes, nint tiles)
        {
            ref int split = ref MemoryMarshal.GetArrayDataReference(_splits);
            ref float lanes = ref MemoryMarshal.GetArrayDataReference(_lanes);
            nint codesPerTile = (nint)_codebooks * FusedAvx2KernelRuntime.TileRows;
            for (int c = 0; c < _codebooks; c++)
            {
                ref float own = ref Unsafe.Add(ref lanes, c * LaneFloats);
                FusedAvx2Tiles.EncodeRows(ref x, _inputDimension, Unsafe.Add(ref split, 4 * c), Unsafe.Add(ref split, 4 * c + 1),
                    Unsafe.Add(ref split, 4 * c + 2), Unsafe.Add(ref split, 4 * c + 3), own,
                    Level(ref own, 1), Level(ref own, 2), Level(ref own, 3),
                    ref Unsafe.Add(ref codes, c * FusedAvx2KernelRuntime.TileRows), codesPerTile, tiles);
            }
        }

        /// <summary>Every output's sums for one tile: per codebook one in-lane shuffle of its 32 codes against the
        /// output's table, added (exact) or first combined by the balanced tree of rounding averages of each group
        /// (average), then stored by FusedAvx2Tiles.StoreSums, as the emitted steps do.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Scan(ref byte codes, ref int sums)
        {
            switch (_group)
            {
                case 0:
                    ScanExact(ref codes, ref sums);
                    break;
                case 1:
                    ScanAverage<One>(ref codes, ref sums);
                    break;
                case 2:
                    ScanAverage<Two>(ref codes, ref sums);
                    break;
                case 4:
                    ScanAverage<Four>(ref codes, ref sums);
                    break;
                case 8:
                    ScanAverage<Eight>(ref codes, ref sums);
                    break;
                default:
                    ScanAverage<Sixteen>(ref codes, ref sums);
                    break;
            }
        }

        /// <summary>Floats of threshold lanes per codebook (four levels of eight).</summary>
        private const int LaneFloats = LutModel.TreeDepth * KernelPlan.LanesPerLevel;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Level(ref float own, int level)
            => Vector256.LoadUnsafe(ref own, (nuint)(level * KernelPlan.LanesPerLevel));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanExact(ref byte codes, ref int sums)
        {
            ref byte table = ref _tables.Reference;
            nint tableBytes = (nint)_codebooks * FusedAvx2KernelRuntime.TableBytes;
            for (nint m = 0; m < _outputs; m++)
            {
                Vector256<ushort> all = Vector256<ushort>.Zero, odd = Vector256<ushort>.Zero;
                for (nint c = 0; c < _codebooks; c++)
                {
                    FusedAvx2Tiles.Add(ref all, ref odd, Lookup(ref table, ref codes, c));
                }

                FusedAvx2Tiles.StoreSums(all, odd, ref sums, m * FusedAvx2KernelRuntime.TileRows, 0, 0);
                table = ref Unsafe.Add(ref table, tableBytes);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanAverage<TGroup>(ref byte codes, ref int sums)
            where TGroup : struct, IGroup
        {
            ref byte table = ref _tables.Reference;
            nint tableBytes = (nint)_codebooks * FusedAvx2KernelRuntime.TableBytes;
            for (nint m = 0; m < _outputs; m++)
            {
                Vector256<ushort> all = Vector256<ushort>.Zero, odd = Vector256<ushort>.Zero;
                for (nint start = 0; start < _codebooks; start += TGroup.Size)
                {
                    FusedAvx2Tiles.Add(ref all, ref odd, TGroup.Average(ref table, ref codes, start));
                }

                FusedAvx2Tiles.StoreSums(all, odd, ref sums, m * FusedAvx2KernelRuntime.TileRows, _shift, _bias);
                table = ref Unsafe.Add(ref table, tableBytes);
            }
        }

        /// <summary>Codebook c's 32 looked-up bytes: its codes shuffled against its table (both 32 bytes at 32 · c).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> Lookup(ref byte table, ref byte codes, nint c)
            => Avx2.Shuffle(Vector256.LoadUnsafe(ref table, (nuint)(c * 32)), Vector256.LoadUnsafe(ref codes, (nuint)(c * 32)));

        /// <summary>A group of G codebooks combined by the balanced tree of rounding averages (docs/algorithm.md §2):
        /// each size is the average of two halves, the order the emitters' average trees use (pairs first).</summary>
        private interface IGroup
        {
            static abstract int Size { get; }

            static abstract Vector256<byte> Average(ref byte table, ref byte codes, nint start);
        }

        private struct One : IGroup
        {
            public static int Size => 1;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(ref byte table, ref byte codes, nint start) => Lookup(ref table, ref codes, start);
        }

        private struct Two : IGroup
        {
            public static int Size => 2;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(ref byte table, ref byte codes, nint start)
                => Avx2.Average(One.Average(ref table, ref codes, start), One.Average(ref table, ref codes, start + 1));
        }

        private struct Four : IGroup
        {
            public static int Size => 4;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(ref byte table, ref byte codes, nint start)
                => Avx2.Average(Two.Average(ref table, ref codes, start), Two.Average(ref table, ref codes, start + 2));
        }

        private struct Eight : IGroup
        {
            public static int Size => 8;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(ref byte table, ref byte codes, nint start)
                => Avx2.Average(Four.Average(ref table, ref codes, start), Four.Average(ref table, ref codes, start + 4));
        }

        private struct Sixteen : IGroup
        {
            public static int Size => 16;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector256<byte> Average(ref byte table, ref byte codes, nint start)
                => Avx2.Average(Eight.Average(ref table, ref codes, start), Eight.Average(ref table, ref codes, start + 8));
        }
    }
}
