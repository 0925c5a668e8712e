using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;

namespace KernelCompiler.Generic
{
    /// <summary>
    /// The table-driven SIMD kernel: reads the model as data, generates no code, so it runs where dynamic code
    /// cannot (NativeAOT) and is the baseline that shows what specialisation buys. Bit-identical to the reference.
    /// </summary>
    /// <remarks>
    /// Rows are processed in blocks (64 rows with AVX-512, 32 with AVX2, 16 with 128-bit vectors), encoded a chunk of
    /// blocks at a time (up to 1024 rows for column-major input, so each split column is one contiguous run).
    /// Encoding walks each codebook's tree for a vector of rows at once: the threshold of every lane's current node is
    /// picked from the codebook's 15 thresholds by a variable permute (1-based heap order: node k's children are 2k
    /// and 2k + 1), then one float compare decides the next level. Codes are kept codebook-major ([c][row] bytes), so
    /// each 16-entry table is looked up for a whole block by an in-lane byte shuffle (vpshufb, never the cross-lane
    /// vpermb); sums accumulate in uint16 (C × 255 ≤ 65535), average aggregation uses pavgb in the balanced tree
    /// order, and outputs are dequantised with exactly one fused multiply-add, then transposed into row-major rows.
    /// A partial last block is encoded by scalar code and padded with code 0, and outputs are written with masked
    /// stores, so no path reads or writes outside the caller's spans. Scratch lives on the stack (at most 16 KiB of
    /// codes and 4 KiB of staged outputs): the kernel holds no mutable state, allocates nothing per call and is safe
    /// to share between threads. Row-major input is supported but slow for wide rows: every row must pass through
    /// the cache although only 4 · C of its values are read. Every method on the hot path is AggressiveOptimization:
    /// compiled fully optimised at its first call, as the emitted kernels are (measured: with tiering left to itself,
    /// the kernel ran at half speed after 200 warm-up calls).
    /// The loops are written once (GenericKernel.Loops.cs) over one width struct per instruction set (IWidth in
    /// GenericKernel.Width.cs; GenericKernel.Avx512.cs, .Avx2.cs, .Vector128.cs), so adding a width is adding a struct.
    /// GenericKernel.Fused.cs holds a fused tile path (encode one block, scan it at once), off by default (FusedTiles).
    /// Where the policy's first path this kernel has is the fused AVX2 one (<see cref="MultiplyPath"/>), Multiply runs
    /// FusedAvx2KernelRuntime over <see cref="GenericFusedAvx2Steps"/> (the model as data, the emitters' helper calls),
    /// and only rows short of a tile take the block path.
    /// </remarks>
    internal sealed partial class GenericKernel : LutKernel
    {
        // Outputs dequantised per pass before they are copied, row by row, into the row-major destination.
        private const int OutputChunk = 16;

        private readonly int _d;
        private readonly int _m;
        private readonly int _c;
        private readonly int[] _splits;      // [c][level]
        private readonly float[] _heap;      // [c][16]: one unused pad, then the 15 thresholds in heap order
        private readonly byte[] _tables;     // [m][c][16]
        private readonly float[] _steps;
        private readonly float[] _offsets;
        private readonly bool _average;
        private readonly int _groupSize;     // G = min(16, C) for average aggregation
        private readonly int _log2Group;
        private readonly int _bias;          // floor(C · log2(G) / 4)
        private readonly GenericFusedAvx2Steps _fusedAvx2; // Multiply's steps where MultiplyPath is Avx2Fused

        private GenericKernel(LutModel model, KernelInstructionSet path, bool fusedTiles, KernelInstructionSet multiplyPath)
            : base(model)
        {
            _d = model.InputDimension;
            _m = model.OutputDimension;
            _c = model.Codebooks;
            _splits = model.SplitDimensions.ToArray();
            _heap = new float[_c * 16];
            ReadOnlySpan<float> thresholds = model.Thresholds;
            for (int c = 0; c < _c; c++)
            {
                // The model stores node j of level l at 2^l − 1 + j, i.e. heap order; one pad in front makes it the
                // 1-based heap: node k's children are 2k and 2k + 1, and after four levels the leaf is 16 + code.
                thresholds.Slice(c * LutModel.ThresholdsPerCodebook, LutModel.ThresholdsPerCodebook).CopyTo(_heap.AsSpan(c * 16 + 1));
            }

            _tables = model.Tables.ToArray();
            _steps = model.Steps.ToArray();
            _offsets = model.Offsets.ToArray();
            _average = model.Aggregation == LutAggregation.Average;
            _groupSize = model.AverageGroupSize;
            while ((1 << _log2Group) < _groupSize)
            {
                _log2Group++;
            }

            _bias = model.AverageBiasCorrection;
            InstructionSet = path;
            MultiplyPath = multiplyPath == KernelInstructionSet.Avx2Fused ? multiplyPath : path;
            if (MultiplyPath == KernelInstructionSet.Avx2Fused)
            {
                _fusedAvx2 = GenericFusedAvx2Steps.Create(model);
            }

            FusedTiles = fusedTiles && path != KernelInstructionSet.Scalar;
            BlockRows = path switch
            {
                KernelInstructionSet.Avx512 => 64,
                KernelInstructionSet.Avx2 => 32,
                _ => 16,
            };
        }

        public override string Backend => "generic";

        /// <summary>The path this instance runs: never Auto, and never wider than the CPU supports or the caller
        /// asked for.</summary>
        internal KernelInstructionSet InstructionSet { get; }

        /// <summary>The path Multiply starts on: <see cref="KernelInstructionSet.Avx2Fused"/> where the policy picks the
        /// fused AVX2 path (FusedAvx2KernelRuntime over <see cref="GenericFusedAvx2Steps"/>; rows short of a tile and
        /// the other operations then run on <see cref="InstructionSet"/>), else <see cref="InstructionSet"/>.</summary>
        internal KernelInstructionSet MultiplyPath { get; }

        /// <summary>Rows per block of the chosen path.</summary>
        internal int BlockRows { get; }

        /// <summary>Whether Multiply encodes and scans one tile of rows at a time (GenericKernel.Fused.cs) rather
        /// than encoding a chunk of up to 1024 rows ahead of its scan. Never true on the scalar path.</summary>
        internal bool FusedTiles { get; }

        /// <summary>The default of <see cref="FusedTiles"/>, chosen by measurement: off, since with the model read as
        /// data the per-tile encode (thresholds reloaded, 4 · C short column runs per tile) cost more than the chunk's
        /// code round trip through L1 saved on every width measured (benchmarks/results/2026-12-03-generic-fused.md).</summary>
        internal const bool FusedTilesByDefault = false;

        /// <summary>Creates the table-driven kernel for <paramref name="model"/>.</summary>
        /// <param name="model">The model to run.</param>
        /// <param name="instructionSet">The widest path to use; a path the CPU lacks falls back to the next
        /// narrower one (AVX-512 → AVX2 → 128-bit → scalar).</param>
        public static GenericKernel Create(LutModel model, KernelInstructionSet instructionSet = KernelInstructionSet.Auto)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            return new GenericKernel(model, ChoosePath(instructionSet), FusedTilesByDefault, ChooseMultiplyPath(instructionSet, model));
        }

        /// <summary>Creates the table-driven kernel with the fused tile path on or off (tests run both).</summary>
        /// <param name="model">The model to run.</param>
        /// <param name="instructionSet">The widest path to use, as in <see cref="Create(LutModel, KernelInstructionSet)"/>.</param>
        /// <param name="fusedTiles">Whether Multiply runs fused tiles (ignored on the scalar path).</param>
        internal static GenericKernel Create(LutModel model, KernelInstructionSet instructionSet, bool fusedTiles)
        {
            if (model is null)
            {
                throw new ArgumentNullException(nameof(model));
            }

            return new GenericKernel(model, ChoosePath(instructionSet), fusedTiles, ChooseMultiplyPath(instructionSet, model));
        }

        /// <summary>The widest supported path no wider than <paramref name="requested"/>.</summary>
        internal static KernelInstructionSet ChoosePath(KernelInstructionSet requested)
            => KernelPathPolicy.ChooseBlockPath(requested); // the one Auto policy of every backend (Planning/)

        /// <summary>The path Multiply runs first for <paramref name="requested"/>: the first path of the policy's list
        /// (<see cref="KernelPathPolicy.PathsFor"/>, the fused paths where the planner would plan them) that this CPU
        /// runs and this kernel has. The generic kernel has no fused VBMI or 128-bit steps, so those paths are passed over,
        /// and a fused AVX2 path or the block path <see cref="ChoosePath"/> picks is what comes out.</summary>
        internal static KernelInstructionSet ChooseMultiplyPath(KernelInstructionSet requested, LutModel model)
        {
            bool auto = requested == KernelInstructionSet.Auto;
            foreach (KernelPath path in KernelPathPolicy.PathsFor(requested, KernelPlanner.CanFuse(model)))
            {
                // No generic steps for the fused VBMI and 128-bit runtimes: their block paths stand in, further down.
                if (path.InstructionSet != KernelInstructionSet.Avx512Vbmi && path.InstructionSet != KernelInstructionSet.Vector128Fused
                    && KernelPathPolicy.IsSupported(path, auto))
                {
                    return path.InstructionSet;
                }
            }

            return KernelInstructionSet.Scalar;
        }

        /// <summary>Codes kept per chunk ([c][row] bytes): at most this many, so a chunk fits in L1.</summary>
        private const int ChunkCodeBytes = 16 * 1024;

        /// <summary>Rows encoded per chunk: a whole number of blocks. Column-major chunks are long (up to 1024 rows)
        /// so each split column is read as one contiguous run the hardware prefetcher follows; row-major chunks hold
        /// about 64 KiB of input (but at least one block), so the rows are still cached when the next codebook reads
        /// them.</summary>
        private int ChunkRows(bool columnMajor)
        {
            int b = BlockRows;
            int rows = Math.Min(1024, ChunkCodeBytes / _c);
            if (!columnMajor)
            {
                rows = Math.Min(rows, 16 * 1024 / _d);
            }

            return Math.Max(b, rows / b * b);
        }

        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void EncodeCore(ReadOnlySpan<float> x, int rows, Span<byte> codes, bool columnMajor)
        {
            int chunkRows = ChunkRows(columnMajor);
            Span<byte> chunk = stackalloc byte[_c * chunkRows];
            for (int row0 = 0; row0 < rows; row0 += chunkRows)
            {
                int count = Math.Min(chunkRows, rows - row0);
                EncodeChunk(x, rows, row0, count, columnMajor, chunk, chunkRows);
                TransposeCodes(chunk, chunkRows, codes.Slice(row0 * _c, count * _c), _c, _c, count);
            }
        }

        protected override void AggregateCore(ReadOnlySpan<byte> codes, int rows, Span<int> sums)
            => ScanCodes(codes, rows, sums, dequantize: false);

        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void MultiplyCore(ReadOnlySpan<float> x, int rows, Span<float> destination, bool columnMajor)
            => MultiplyRange(x, rows, 0, rows, destination, columnMajor);

        // Reads the partition's rows of each split column in place (the column stride stays the whole N).
        protected override void MultiplyColumnMajorRange(ReadOnlySpan<float> x, int rows, int row0, int count, Span<float> destination)
            => MultiplyRange(x, rows, row0, row0 + count, destination, columnMajor: true);

        /// <summary>Outputs of rows <paramref name="start"/> .. <paramref name="end"/> − 1 into
        /// <paramref name="destination"/> (whose first row is row <paramref name="start"/>): on the fused AVX2 runtime
        /// where <see cref="MultiplyPath"/> is that path and a tile of rows is left, the rest (or all) on the block path.</summary>
        private void MultiplyRange(ReadOnlySpan<float> x, int rows, int start, int end, Span<float> destination, bool columnMajor)
        {
            int done = 0;
            if (MultiplyPath == KernelInstructionSet.Avx2Fused)
            {
                GenericFusedAvx2Steps steps = _fusedAvx2;
                done = FusedAvx2KernelRuntime.MultiplyRows(ref steps, x, rows, start, end, columnMajor, destination);
            }

            MultiplyRows(x, rows, start + done, end, MemoryMarshal.Cast<float, int>(destination.Slice(done * _m)), columnMajor, dequantize: true);
        }

        /// <summary>Outputs of rows <paramref name="start"/> .. <paramref name="end"/> − 1 of x (N = <paramref name="rows"/>)
        /// into <paramref name="bits"/> (float bits, or the integer sums unless <paramref name="dequantize"/>), whose
        /// first row is row <paramref name="start"/>.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void MultiplyRows(ReadOnlySpan<float> x, int rows, int start, int end, Span<int> bits, bool columnMajor, bool dequantize)
        {
            if (FusedTiles)
            {
                MultiplyTiles(x, rows, start, end, bits, columnMajor, dequantize);
                return;
            }

            int b = BlockRows;
            int chunkRows = ChunkRows(columnMajor);
            Span<byte> chunk = stackalloc byte[_c * chunkRows];
            Span<int> stage = stackalloc int[OutputChunk * b];
            for (int row0 = start; row0 < end; row0 += chunkRows)
            {
                int count = Math.Min(chunkRows, end - row0);
                EncodeChunk(x, rows, row0, count, columnMajor, chunk, chunkRows);
                for (int sub = 0; sub < count; sub += b)
                {
                    int blockCount = Math.Min(b, count - sub);
                    ScanBlock(chunk.Slice(sub), chunkRows, blockCount, bits.Slice((row0 - start + sub) * _m, blockCount * _m), stage,
                        dequantize);
                }
            }
        }

        protected override void MultiplyCodesCore(ReadOnlySpan<byte> codes, int rows, Span<float> destination)
            => ScanCodes(codes, rows, MemoryMarshal.Cast<float, int>(destination), dequantize: true);

        // Codes in, integer sums or (dequantize) output float bits out, one block of rows at a time.
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanCodes(ReadOnlySpan<byte> codes, int rows, Span<int> destination, bool dequantize)
        {
            int b = BlockRows;
            Span<byte> block = stackalloc byte[_c * b];
            Span<int> stage = stackalloc int[OutputChunk * b];
            for (int row0 = 0; row0 < rows; row0 += b)
            {
                int count = Math.Min(b, rows - row0);
                LoadCodes(codes.Slice(row0 * _c, count * _c), count, block);
                ScanBlock(block, b, count, destination.Slice(row0 * _m, count * _m), stage, dequantize);
            }
        }

        /// <summary>Encodes rows row0 .. row0 + count − 1 into <paramref name="chunk"/> ([c][row], codebook c's codes at
        /// c · <paramref name="stride"/>). Whole blocks take the vector path; the rows of a last partial block are
        /// encoded by scalar code and the block is padded with code 0, so the scan can run over whole blocks.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EncodeChunk(ReadOnlySpan<float> x, int rows, int row0, int count, bool columnMajor, Span<byte> chunk, int stride)
        {
            int b = BlockRows;
            int whole = InstructionSet == KernelInstructionSet.Scalar ? 0 : count / b * b;
            if (whole > 0)
            {
                if (columnMajor)
                {
                    EncodeVectors<ColumnMajorLayout>(x, rows, row0, whole, chunk, stride);
                }
                else
                {
                    EncodeVectors<RowMajorLayout>(x, rows, row0, whole, chunk, stride);
                }
            }

            if (whole < count)
            {
                int padded = Math.Min(stride, (count + b - 1) / b * b);
                EncodeRowsScalar(x, rows, row0, whole, count, padded, columnMajor, chunk, stride);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void EncodeVectors<TLayout>(ReadOnlySpan<float> x, int rows, int row0, int count, Span<byte> chunk, int stride)
            where TLayout : struct, ILayout
        {
            switch (InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    EncodeVectors<Avx512Width, Vector512<byte>, TLayout>(x, rows, row0, count, chunk, stride);
                    break;
                case KernelInstructionSet.Avx2:
                    EncodeVectors<Avx2Width, Vector256<byte>, TLayout>(x, rows, row0, count, chunk, stride);
                    break;
                default:
                    EncodeVectors<Vector128Width, Vector128<byte>, TLayout>(x, rows, row0, count, chunk, stride);
                    break;
            }
        }

        /// <summary>First value of a split column for the chunk: column-major columns are contiguous, row-major ones
        /// are D floats apart.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe float* ColumnStart(float* x, int rows, int row0, bool columnMajor, int dim)
            => columnMajor ? x + ((nint)dim * rows + row0) : x + ((nint)row0 * _d + dim);

        /// <summary>The input layout as a type, so each encoder is compiled once per layout with the test folded away.</summary>
        private interface ILayout
        {
            static abstract bool ColumnMajor { get; }
        }

        private struct ColumnMajorLayout : ILayout
        {
            public static bool ColumnMajor => true;
        }

        private struct RowMajorLayout : ILayout
        {
            public static bool ColumnMajor => false;
        }

        /// <summary>Sums (or dequantised outputs, as float bits) of one block's <paramref name="count"/> rows, whose
        /// codes are at c · <paramref name="stride"/> in <paramref name="codes"/>, into the row-major
        /// <paramref name="destination"/> (count × M).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanBlock(ReadOnlySpan<byte> codes, int stride, int count, Span<int> destination, Span<int> stage, bool dequantize)
        {
            switch (InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    ScanBlock<Avx512Width, Vector512<byte>>(codes, stride, count, destination, stage, dequantize);
                    break;
                case KernelInstructionSet.Avx2:
                    ScanBlock<Avx2Width, Vector256<byte>>(codes, stride, count, destination, stage, dequantize);
                    break;
                case KernelInstructionSet.Vector128:
                    ScanBlock<Vector128Width, Vector128<byte>>(codes, stride, count, destination, stage, dequantize);
                    break;
                default:
                    ScanBlockScalar(codes, stride, count, destination, dequantize);
                    break;
            }
        }

        /// <summary>Row-major codes (count × C) into the codebook-major block, padding missing rows with code 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void LoadCodes(ReadOnlySpan<byte> codes, int count, Span<byte> block)
        {
            int b = BlockRows;
            if (count < b)
            {
                block.Clear();
            }

            TransposeCodes(codes, _c, block, b, count, _c);
        }
    }
}
