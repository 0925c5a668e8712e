using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The fused path of average models (docs/algorithm.md §2, "optional fast aggregation"). The encoder is the exact
    /// models' one; the codes of each block of four tiles (64 rows) are then rearranged so that one vector holds one
    /// codebook's codes for all 64 rows, and the steps' Scan looks up a codebook with one <c>vpermb</c> for 64 rows and
    /// combines the codebooks of an average group with <c>vpavgb</c> in the specification's order. Scan writes each
    /// output's S' in the exact models' tile layout, so the stores below are the exact path's.
    /// </summary>
    /// <remarks>
    /// The average layout of a block: codebook c's 16 dwords start at element <c>c · 16</c> (codebooks 0 .. 4P − 1, P
    /// packed groups of four as in the packed layout, so a block has as many dwords as its four tiles of packed codes); byte t
    /// of dword r is <c>16 · (c mod 4) + code</c> of row <c>16 · t + r</c>, the index of that code in the group's 64-byte
    /// table. Rows are interleaved by tile so that one <c>vpmaddubsw</c> against a weight at byte t (0, 1) or one shift
    /// and <c>vpmaddubsw</c> (2, 3) widens tile t's averages to dwords in row order, without shuffles.
    /// </remarks>
    public static partial class FusedKernelRuntime
    {
        /// <summary>The largest M the average fused path supports: its sums are those of a whole block (four tiles,
        /// M · 256 bytes of stack), so M is held to the exact path's worst case of 64 KiB.</summary>
        public const int MaxAverageOutputs = 256;

        /// <summary>Tiles per block of the average layout.</summary>
        private const int BlockTiles = 4;

        /// <summary>Tiles encoded per call for average models, in whole blocks: up to 1024 rows whose packed codes fit in
        /// 32 KiB of stack (its own rule, so a change to the exact path's chunks cannot grow this stackalloc).</summary>
        private static int AverageEncodeTiles(int groups) => Math.Clamp(32 * 1024 / (groups * 64), 1, 64) / BlockTiles * BlockTiles;

        /// <summary>S' (N × M) of row-major codes (N × C, each below 16) of an average model.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int AggregateAverage<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, Span<int> sums)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckAverageShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(sums.Length, (long)rows * outputs, nameof(sums));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, MemoryMarshal.Cast<int, float>(sums), default, default, dequantize: false, average: true);
        }

        /// <summary>Outputs (N × M) of row-major codes of an average model.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int MultiplyCodesAverage<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, ReadOnlySpan<float> step, ReadOnlySpan<float> offset, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckAverageShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, destination, step, offset, dequantize: true, average: true);
        }

        /// <summary>Outputs (N × M) of input rows of an average model.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int MultiplyAverage<TSteps>(TSteps steps, int inputDimension, int codebooks, int outputs,
            ReadOnlySpan<float> x, int rows, bool columnMajor, ReadOnlySpan<float> step, ReadOnlySpan<float> offset,
            Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckAverageShape(inputDimension, codebooks, outputs);
            CheckLength(x.Length, (long)rows * inputDimension, nameof(x));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            return IsSupported ? MultiplyRows(ref steps, inputDimension, codebooks, outputs, x, rows, 0, rows, columnMajor, step, offset, destination, average: true) : 0;
        }

        /// <summary>One block: the packed codes of <paramref name="tiles"/> (1 to 4) tiles rearranged into the average
        /// layout and scanned into the sums of four tiles. The packed codes of missing tiles are cleared first, so the
        /// scan reads only initialised codes (their sums are never stored).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void ScanBlock<TSteps>(ref TSteps steps, uint* packed, int tiles, int groups, uint* block, int* sums)
            where TSteps : struct, IFusedKernelSteps
        {
            if (tiles < BlockTiles)
            {
                new Span<uint>(packed + tiles * groups * TileRows, (BlockTiles - tiles) * groups * TileRows).Clear();
            }

            ToAverageLayout(packed, groups, block);
            steps.Scan(ref *block, ref *sums, BlockTiles);
        }

        /// <summary>Four tiles of packed codes (tile t, packed group q at <c>(t · P + q) · 16</c>; byte j of dword r: codebook
        /// 4q + j of row r) into one block of the average layout (codebook 4q + j at <c>(4q + j) · 16</c>; byte t of dword
        /// r: row 16t + r): a 4 × 4 byte transpose inside every dword position of the four tiles, done with shifts and
        /// bitwise selects (vpternlogd), sixteen per group, so it stays off the shuffle units the encoder's vpermps, the
        /// scan's vpermb and the stores' transposes share (eight vpermt2b per group measured the same here: about 6 % of
        /// a one-output scan over codes, mostly waiting for the codes just stored).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe void ToAverageLayout(uint* packed, int groups, uint* block)
        {
            Vector512<uint> lowHalves = Vector512.Create(0x0000FFFFu), evenBytes = Vector512.Create(0x00FF00FFu);
            nint tileStride = (nint)groups * TileRows;
            for (int q = 0; q < groups; q++)
            {
                uint* p = packed + q * TileRows;
                Vector512<uint> p0 = Vector512.Load(p);
                Vector512<uint> p1 = Vector512.Load(p + tileStride);
                Vector512<uint> p2 = Vector512.Load(p + 2 * tileStride);
                Vector512<uint> p3 = Vector512.Load(p + 3 * tileStride);
                // Halves: q0 = (p0[0], p0[1], p2[0], p2[1]), q2 = (p0[2], p0[3], p2[2], p2[3]), q1 and q3 likewise of p1, p3.
                Vector512<uint> q0 = Vector512.ConditionalSelect(lowHalves, p0, p2 << 16);
                Vector512<uint> q2 = Vector512.ConditionalSelect(lowHalves, p0 >>> 16, p2);
                Vector512<uint> q1 = Vector512.ConditionalSelect(lowHalves, p1, p3 << 16);
                Vector512<uint> q3 = Vector512.ConditionalSelect(lowHalves, p1 >>> 16, p3);
                // Bytes: codebook j's dword r = (p0[j], p1[j], p2[j], p3[j]).
                uint* v = block + q * 4 * TileRows;
                Vector512.ConditionalSelect(evenBytes, q0, q1 << 8).Store(v);
                Vector512.ConditionalSelect(evenBytes, q0 >>> 8, q1).Store(v + TileRows);
                Vector512.ConditionalSelect(evenBytes, q2, q3 << 8).Store(v + 2 * TileRows);
                Vector512.ConditionalSelect(evenBytes, q2 >>> 8, q3).Store(v + 3 * TileRows);
            }
        }

        private static void CheckAverageShape(int inputDimension, int codebooks, int outputs)
        {
            CheckShape(inputDimension, codebooks, outputs);
            if (outputs > MaxAverageOutputs)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Must be 1 to " + MaxAverageOutputs + " for average aggregation.");
            }
        }
    }
}
