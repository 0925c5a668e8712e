using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent half of the fused AVX-512 VBMI path: the tile loop, and moving codes, sums and outputs
    /// between the caller's row-major spans and the steps' tile layout (see <see cref="IFusedKernelSteps"/>). Generated
    /// kernels call it with a struct of their steps (so the JIT compiles one copy per kernel with direct calls);
    /// emitted kernels with a struct of delegates. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// Each method runs tiles of 16 rows and returns how many rows it did, from the first: all of them, or 0 where
    /// there are fewer than 16 or the CPU lacks AVX-512 VBMI (the caller then takes them on its other paths). Where N
    /// is not a multiple of 16 the last tile ends at the last row, overlapping the one before; see
    /// <see cref="Tiling"/>. Tiles are processed a chunk at a time (up to 4096 rows encoded into at most 256 KiB of
    /// packed codes, then scanned and stored up to 4 tiles at a time); scratch is on the stack, or rented from the
    /// shared array pool where a chunk's packed codes pass 64 KiB; nothing is allocated once the pool has its array.
    /// Reads and writes stay inside the spans: the arguments are checked once here as well as by the caller, because
    /// this type is public.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static partial class FusedKernelRuntime
    {
        /// <summary>Rows per tile.</summary>
        public const int TileRows = 16;

        /// <summary>The largest C the fused path supports (P = C / 4 packed groups of 16 dwords per tile).</summary>
        public const int MaxCodebooks = 128;

        /// <summary>The largest M the fused path supports (a tile's sums are M · 64 bytes of stack).</summary>
        public const int MaxOutputs = 1024;

        /// <summary>Whether this CPU runs the fused path: AVX-512 F, BW and VBMI (vpermb).</summary>
        public static bool IsSupported => Avx512Vbmi.IsSupported && Avx512BW.IsSupported && Avx512F.IsSupported;

        /// <summary>Packed groups of four codebooks: P = ⌈C / 4⌉ (not G, which names the average group size, min(16, C)).</summary>
        public static int Groups(int codebooks) => (codebooks + 3) / 4;

        /// <summary>Tiles scanned per call: their sums (M · 64 bytes a tile) stay in L1.</summary>
        private static int ScanTiles(int outputs) => outputs <= 64 ? 4 : 1;

        /// <summary>Tiles encoded per call: up to 4096 rows whose packed codes fit in 256 KiB (L2), so each split
        /// column is read in long runs (measured on this project's machine: C = 64 at 4096 rows a chunk 10 % faster
        /// end to end than at 1024, C = 16 2–5 %).</summary>
        private static int EncodeTiles(int groups) => Math.Clamp(256 * 1024 / (groups * 64), 1, 256);

        /// <summary>Packed codes of a chunk up to this size are on the stack; a larger chunk's are rented.</summary>
        private const int MaxStackPackedBytes = 64 * 1024;

        /// <summary>Encodes rows into row-major codes (N × C).</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int Encode<TSteps>(TSteps steps, int inputDimension, int codebooks, ReadOnlySpan<float> x,
            int rows, bool columnMajor, Span<byte> codes)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(inputDimension, codebooks, 1);
            CheckLength(x.Length, (long)rows * inputDimension, nameof(x));
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            if (!IsSupported || rows < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            int chunkTiles = Math.Min(EncodeTiles(g), rows / TileRows);
            int packedLength = chunkTiles * g * TileRows;
            uint[]? rented = null;
            Span<uint> buffer = packedLength <= MaxStackPackedBytes / 4 ? stackalloc uint[packedLength] : (rented = ArrayPool<uint>.Shared.Rent(packedLength));
            try
            {
                fixed (uint* packed = buffer)
                fixed (float* px = x)
                fixed (byte* pc = codes)
                {
                    foreach ((int row0, int tiles) in Tiling(px, rows, 0, rows, columnMajor, chunkTiles))
                    {
                        EncodeChunk(ref steps, px, inputDimension, rows, row0, columnMajor, packed, tiles, g);
                        for (int t = 0; t < tiles; t++)
                        {
                            StoreCodes(packed + t * g * TileRows, codebooks, pc + (nint)(row0 + t * TileRows) * codebooks);
                        }
                    }
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<uint>.Shared.Return(rented);
            }

            return rows;
        }

        /// <summary>Exact sums (N × M) of row-major codes (N × C, each below 16).</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int Aggregate<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, Span<int> sums)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(sums.Length, (long)rows * outputs, nameof(sums));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, MemoryMarshal.Cast<int, float>(sums), default, default, dequantize: false, average: false);
        }

        /// <summary>Outputs (N × M), one fused multiply-add each, of row-major codes.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int MultiplyCodes<TSteps>(TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, ReadOnlySpan<float> step, ReadOnlySpan<float> offset, Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(1, codebooks, outputs);
            CheckLength(codes.Length, (long)rows * codebooks, nameof(codes));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            return FromCodes(ref steps, codebooks, outputs, codes, rows, destination, step, offset, dequantize: true, average: false);
        }

        /// <summary>Outputs (N × M) of input rows: encode, scan and dequantise per chunk, so codes and
        /// sums never leave the core's caches.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int Multiply<TSteps>(TSteps steps, int inputDimension, int codebooks, int outputs,
            ReadOnlySpan<float> x, int rows, bool columnMajor, ReadOnlySpan<float> step, ReadOnlySpan<float> offset,
            Span<float> destination)
            where TSteps : struct, IFusedKernelSteps
        {
            CheckShape(inputDimension, codebooks, outputs);
            CheckLength(x.Length, (long)rows * inputDimension, nameof(x));
            CheckLength(step.Length, outputs, nameof(step));
            CheckLength(offset.Length, outputs, nameof(offset));
            CheckLength(destination.Length, (long)rows * outputs, nameof(destination));
            return IsSupported ? MultiplyRows(ref steps, inputDimension, codebooks, outputs, x, rows, 0, rows, columnMajor, step, offset, destination, average: false) : 0;
        }

        /// <summary>Outputs of the rows <paramref name="start"/> .. <paramref name="end"/> − 1 of x (N =
        /// <paramref name="rows"/>, the column stride of column-major input) into <paramref name="destination"/>, whose
        /// first row is row <paramref name="start"/>; returns the rows done. For an average model
        /// (<paramref name="average"/>) each block of four tiles is rearranged before its scan (<see cref="ScanBlock"/>).
        /// Arguments are the caller's to check.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int MultiplyRows<TSteps>(ref TSteps steps, int inputDimension, int codebooks, int outputs,
            ReadOnlySpan<float> x, int rows, int start, int end, bool columnMajor, ReadOnlySpan<float> step,
            ReadOnlySpan<float> offset, Span<float> destination, bool average)
            where TSteps : struct, IFusedKernelSteps
        {
            int count = end - start;
            if (count < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            // An average chunk stays whole blocks (ScanBlock clears the missing tiles of a chunk's last block in place).
            int chunkTiles = average ? AverageEncodeTiles(g) : Math.Min(EncodeTiles(g), count / TileRows);
            int scanTiles = average ? BlockTiles : ScanTiles(outputs);
            int packedLength = chunkTiles * g * TileRows;
            uint[]? rented = null;
            Span<uint> buffer = packedLength <= MaxStackPackedBytes / 4 ? stackalloc uint[packedLength] : (rented = ArrayPool<uint>.Shared.Rent(packedLength));
            uint* block = stackalloc uint[average ? BlockTiles * g * TileRows : 0];
            // On a 64-byte boundary: each tile's sums are stored by the scan and loaded back by StoreRows a moment
            // later, whole vectors, and a vector across two cache lines makes that round trip slower.
            int* sumsBuffer = stackalloc int[scanTiles * outputs * TileRows + 16 * TileRows + 16];
            int* sums = Align64(sumsBuffer);
            float* ps = stackalloc float[Padded(outputs)];
            float* po = stackalloc float[Padded(outputs)];
            CopyPadded(step.Slice(0, outputs), ps);
            CopyPadded(offset.Slice(0, outputs), po);
            try
            {
                fixed (uint* packed = buffer)
                fixed (float* px = x)
                fixed (float* pd = destination)
                {
                    foreach ((int first, int tiles) in Tiling(px, rows, start, end, columnMajor, chunkTiles))
                    {
                        MultiplyChunk(ref steps, px, inputDimension, outputs, rows, start, first, tiles, columnMajor, packed, g, scanTiles, block, sums, pd, ps, po, average);
                    }
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<uint>.Shared.Return(rented);
            }

            return count;
        }

        /// <summary>Encodes, scans and stores the <paramref name="tiles"/> tiles from row <paramref name="first"/> of a
        /// partition starting at row <paramref name="start"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void MultiplyChunk<TSteps>(ref TSteps steps, float* x, int inputDimension, int outputs, int rows,
            int start, int first, int tiles, bool columnMajor, uint* packed, int g, int scanTiles, uint* block, int* sums,
            float* destination, float* step, float* offset, bool average)
            where TSteps : struct, IFusedKernelSteps
        {
            EncodeChunk(ref steps, x, inputDimension, rows, start + first, columnMajor, packed, tiles, g);
            int skipped = FusedStageSkips.Skipped;
            for (int t0 = 0; t0 < tiles; t0 += scanTiles)
            {
                int count = Math.Min(scanTiles, tiles - t0);
                if ((skipped & FusedStageSkips.Scan) == 0)
                {
                    Scan(ref steps, packed + t0 * g * TileRows, count, g, block, sums, average);
                }

                for (int t = 0; t < count && (skipped & FusedStageSkips.Stores) == 0; t++)
                {
                    StoreRows(sums + t * outputs * TileRows, outputs, (int*)destination + (nint)(first + (t0 + t) * TileRows) * outputs, step, offset, dequantize: true);
                }
            }
        }

        /// <summary>Fewer rows than this are tiled from their first row, without the alignment head.</summary>
        private const int MinAlignedRows = 256;

        /// <summary>How the rows <paramref name="start"/> .. <paramref name="end"/> − 1 (at least one tile) are tiled: runs
        /// of tiles (first row relative to <paramref name="start"/>, tile count) that together cover every row, so none
        /// is left to the caller's other paths, where a row costs 50 to 300 times a tiled row (measured on mnist-c16,
        /// column-major, 10,000 rows: 0.3–1.6 µs each). Whole tiles from a head row on, in chunks of up to
        /// <paramref name="chunkTiles"/>; before them one tile at the first row where the head is not 0; after them one
        /// tile ending at the last row where they stop short of it. The rows two tiles cover are written twice, with
        /// the same values. The head is the first row whose value in every column of column-major input starts a
        /// 64-byte line, so each 512-bit load of the encoder reads one cache line instead of two (measured on the same
        /// kernel: Multiply 4–8 % faster on aligned than on unaligned input); 0 where every column cannot be aligned at
        /// once (N not a multiple of 16, or a float not on a 4-byte boundary), for row-major input, and for a short
        /// range.</summary>
        private static unsafe TileRuns Tiling(float* x, int rows, int start, int end, bool columnMajor, int chunkTiles)
        {
            int count = end - start;
            nint address = (nint)(x + start);
            int head = !columnMajor || count < MinAlignedRows || rows % TileRows != 0 || (address & 3) != 0
                ? 0
                : (int)((-address & 63) / sizeof(float));
            return new TileRuns(head, head + (count - head) / TileRows * TileRows, count, chunkTiles);
        }

        /// <summary>The runs of <see cref="Tiling"/>, as <c>foreach</c> reads them: the head tile, the chunks of whole
        /// tiles from <c>head</c> to <c>last</c>, the tile ending at row <c>count</c>.</summary>
        private ref struct TileRuns
        {
            private readonly int _head, _last, _count, _chunkTiles;
            private int _next;
            private bool _started, _tailDone;

            public TileRuns(int head, int last, int count, int chunkTiles)
            {
                _head = head;
                _last = last;
                _count = count;
                _chunkTiles = chunkTiles;
                _next = head;
                _started = _tailDone = false;
                Current = default;
            }

            public (int First, int Tiles) Current { get; private set; }

            public readonly TileRuns GetEnumerator() => this;

            public bool MoveNext()
            {
                if (!_started)
                {
                    _started = true;
                    if (_head > 0)
                    {
                        Current = (0, 1);
                        return true;
                    }
                }

                if (_next < _last)
                {
                    int tiles = Math.Min(_chunkTiles, (_last - _next) / TileRows);
                    Current = (_next, tiles);
                    _next += tiles * TileRows;
                    return true;
                }

                if (!_tailDone && _last < _count)
                {
                    _tailDone = true;
                    Current = (_count - TileRows, 1);
                    return true;
                }

                return false;
            }
        }

        /// <summary>The first 64-byte boundary in a buffer of at least 64 spare bytes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe T* Align64<T>(T* buffer)
            where T : unmanaged
            => (T*)(((nint)buffer + 63) & ~(nint)63);

        /// <summary>Encodes the <paramref name="tiles"/> tiles from row <paramref name="row0"/> of x (N =
        /// <paramref name="rows"/>). Row-major rows off a 64-byte line (<see cref="RowPhase"/>) are read by whole lines,
        /// except in the tiles holding the first and the last row of x, whose lines may begin before x or end after it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void EncodeChunk<TSteps>(ref TSteps steps, float* x, int inputDimension, int rows, int row0,
            bool columnMajor, uint* packed, int tiles, int groups)
            where TSteps : struct, IFusedKernelSteps
        {
            if (columnMajor)
            {
                steps.EncodeColumns(ref x[row0], rows, ref *packed, tiles);
                return;
            }

            float* first = x + (nint)row0 * inputDimension;
            int phase = RowPhase(x, inputDimension);
            int head = row0 == 0 ? 1 : 0, tail = row0 + tiles * TileRows == rows ? 1 : 0;
            if (phase == 0 || tiles <= head + tail)
            {
                steps.EncodeRows(ref *first, ref *packed, tiles, 0);
                return;
            }

            nint tileFloats = (nint)TileRows * inputDimension, tileCodes = groups * TileRows;
            if (head > 0)
            {
                steps.EncodeRows(ref *first, ref *packed, 1, 0);
            }

            steps.EncodeRows(ref first[head * tileFloats], ref packed[head * tileCodes], tiles - head - tail, phase);
            if (tail > 0)
            {
                steps.EncodeRows(ref first[(tiles - 1) * tileFloats], ref packed[(tiles - 1) * tileCodes], 1, 0);
            }
        }

        /// <summary>How many floats after a 64-byte line every row of row-major x starts: a phase the steps plan for
        /// (<see cref="RowPhases.IsLinePhase"/>), else 0. Steps from another build of the planner that lack the phase
        /// take their switch's default, the phase-0 gather, which reads only inside each row.</summary>
        private static unsafe int RowPhase(float* x, int inputDimension)
        {
            nint address = (nint)x;
            int phase = (int)(address & 63) / sizeof(float);
            return (address & 3) == 0 && RowPhases.IsLinePhase(inputDimension, phase) ? phase : 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe int FromCodes<TSteps>(ref TSteps steps, int codebooks, int outputs, ReadOnlySpan<byte> codes,
            int rows, Span<float> destination, ReadOnlySpan<float> step, ReadOnlySpan<float> offset, bool dequantize, bool average)
            where TSteps : struct, IFusedKernelSteps
        {
            if (!IsSupported || rows < TileRows)
            {
                return 0;
            }

            int g = Groups(codebooks);
            int chunkTiles = average ? BlockTiles : ScanTiles(outputs);
            uint* packed = stackalloc uint[chunkTiles * g * TileRows];
            uint* block = stackalloc uint[average ? BlockTiles * g * TileRows : 0];
            int* sumsBuffer = stackalloc int[chunkTiles * outputs * TileRows + 16 * TileRows + 16];
            int* sums = Align64(sumsBuffer);
            float* ps = stackalloc float[Padded(outputs)];
            float* po = stackalloc float[Padded(outputs)];
            if (dequantize)
            {
                CopyPadded(step.Slice(0, outputs), ps);
                CopyPadded(offset.Slice(0, outputs), po);
            }

            // Every row, as Tiling covers input rows (no alignment head: codes are row-major bytes).
            fixed (byte* pc = codes)
            fixed (float* pd = destination)
            {
                foreach ((int first, int tiles) in new TileRuns(0, rows / TileRows * TileRows, rows, chunkTiles))
                {
                    for (int t = 0; t < tiles; t++)
                    {
                        LoadCodes(pc + (nint)(first + t * TileRows) * codebooks, codebooks, packed + t * g * TileRows);
                    }

                    Scan(ref steps, packed, tiles, g, block, sums, average);
                    for (int t = 0; t < tiles; t++)
                    {
                        StoreRows(sums + t * outputs * TileRows, outputs, (int*)pd + (nint)(first + t * TileRows) * outputs, ps, po, dequantize);
                    }
                }
            }

            return rows;
        }

        /// <summary>The sums of <paramref name="tiles"/> tiles of packed codes: the steps' Scan, after rearranging the
        /// block into the average layout for an average model (<see cref="ScanBlock"/>; sums of four tiles).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe void Scan<TSteps>(ref TSteps steps, uint* packed, int tiles, int groups, uint* block, int* sums, bool average)
            where TSteps : struct, IFusedKernelSteps
        {
            if (average)
            {
                ScanBlock(ref steps, packed, tiles, groups, block, sums);
            }
            else
            {
                steps.Scan(ref *packed, ref *sums, tiles);
            }
        }

        /// <summary>A tile's sums ([m][16]) into 16 row-major rows of M values: dequantised with one fused
        /// multiply-add each (the same rounding as <see cref="MathF.FusedMultiplyAdd"/>) or left as integers,
        /// transposed 16 outputs at a time and written with masked stores. Always reads 16 outputs' sums (and steps and
        /// offsets): the buffers are padded (see <see cref="Padded"/>), and what the padding holds lands only in lanes
        /// the masked stores leave out.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreRows(int* sums, int outputs, int* destination, float* step, float* offset, bool dequantize)
        {
            if (outputs <= 2)
            {
                // One or two outputs (filters): the tile's outputs are 16 or 32 contiguous values; no transpose.
                Vector512<int> first = Vector512.Load(sums), second = Vector512.Load(sums + TileRows);
                if (dequantize)
                {
                    first = Dequantize(first, step, offset, 0);
                    second = Dequantize(second, step, offset, 1);
                }

                if (outputs == 1)
                {
                    first.Store(destination);
                    return;
                }

                Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), second).Store(destination);
                Avx512F.PermuteVar16x32x2(first, Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), second).Store(destination + TileRows);
                return;
            }

            for (int m0 = 0; m0 < outputs; m0 += 16)
            {
                int* s = sums + m0 * TileRows;
                Vector512<int> a0 = Vector512.Load(s + 0);
                Vector512<int> a1 = Vector512.Load(s + 16);
                Vector512<int> a2 = Vector512.Load(s + 32);
                Vector512<int> a3 = Vector512.Load(s + 48);
                Vector512<int> a4 = Vector512.Load(s + 64);
                Vector512<int> a5 = Vector512.Load(s + 80);
                Vector512<int> a6 = Vector512.Load(s + 96);
                Vector512<int> a7 = Vector512.Load(s + 112);
                Vector512<int> a8 = Vector512.Load(s + 128);
                Vector512<int> a9 = Vector512.Load(s + 144);
                Vector512<int> a10 = Vector512.Load(s + 160);
                Vector512<int> a11 = Vector512.Load(s + 176);
                Vector512<int> a12 = Vector512.Load(s + 192);
                Vector512<int> a13 = Vector512.Load(s + 208);
                Vector512<int> a14 = Vector512.Load(s + 224);
                Vector512<int> a15 = Vector512.Load(s + 240);
                if (dequantize)
                {
                    float* st = step + m0, of = offset + m0;
                    a0 = Dequantize(a0, st, of, 0);
                    a1 = Dequantize(a1, st, of, 1);
                    a2 = Dequantize(a2, st, of, 2);
                    a3 = Dequantize(a3, st, of, 3);
                    a4 = Dequantize(a4, st, of, 4);
                    a5 = Dequantize(a5, st, of, 5);
                    a6 = Dequantize(a6, st, of, 6);
                    a7 = Dequantize(a7, st, of, 7);
                    a8 = Dequantize(a8, st, of, 8);
                    a9 = Dequantize(a9, st, of, 9);
                    a10 = Dequantize(a10, st, of, 10);
                    a11 = Dequantize(a11, st, of, 11);
                    a12 = Dequantize(a12, st, of, 12);
                    a13 = Dequantize(a13, st, of, 13);
                    a14 = Dequantize(a14, st, of, 14);
                    a15 = Dequantize(a15, st, of, 15);
                }

                Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                Vector512<int> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(outputs - m0));
                int* row = destination + m0;
                Avx512F.MaskStore(row + 0 * (nint)outputs, mask, a0);
                Avx512F.MaskStore(row + 1 * (nint)outputs, mask, a1);
                Avx512F.MaskStore(row + 2 * (nint)outputs, mask, a2);
                Avx512F.MaskStore(row + 3 * (nint)outputs, mask, a3);
                Avx512F.MaskStore(row + 4 * (nint)outputs, mask, a4);
                Avx512F.MaskStore(row + 5 * (nint)outputs, mask, a5);
                Avx512F.MaskStore(row + 6 * (nint)outputs, mask, a6);
                Avx512F.MaskStore(row + 7 * (nint)outputs, mask, a7);
                Avx512F.MaskStore(row + 8 * (nint)outputs, mask, a8);
                Avx512F.MaskStore(row + 9 * (nint)outputs, mask, a9);
                Avx512F.MaskStore(row + 10 * (nint)outputs, mask, a10);
                Avx512F.MaskStore(row + 11 * (nint)outputs, mask, a11);
                Avx512F.MaskStore(row + 12 * (nint)outputs, mask, a12);
                Avx512F.MaskStore(row + 13 * (nint)outputs, mask, a13);
                Avx512F.MaskStore(row + 14 * (nint)outputs, mask, a14);
                Avx512F.MaskStore(row + 15 * (nint)outputs, mask, a15);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<int> Dequantize(Vector512<int> sums, float* step, float* offset, int k)
            => Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(sums), Vector512.Create(step[k]), Vector512.Create(offset[k])).AsInt32();

        /// <summary>M rounded up to whole groups of 16 outputs: the length of the padded steps and offsets, and (beyond
        /// M · 16 sums a tile) the padding of the sums buffer.</summary>
        private static int Padded(int outputs) => (outputs + 15) / 16 * 16;

        /// <summary>A copy of <paramref name="values"/> padded with zeros to <see cref="Padded"/> elements.</summary>
        private static unsafe void CopyPadded(ReadOnlySpan<float> values, float* padded)
        {
            int length = Padded(values.Length);
            values.CopyTo(new Span<float>(padded, length));
            new Span<float>(padded + values.Length, length - values.Length).Clear();
        }

        /// <summary>A tile's packed codes ([g][16] dwords) into 16 rows of C code bytes (the group offsets 16 · j
        /// stripped).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreCodes(uint* packed, int codebooks, byte* codes)
        {
            int groups = Groups(codebooks);
            for (int g0 = 0; g0 < groups; g0 += 16)
            {
                int count = Math.Min(16, groups - g0);
                int* p = (int*)packed + g0 * TileRows;
                Vector512<int> a0 = Codes(p, 0, count);
                Vector512<int> a1 = Codes(p, 1, count);
                Vector512<int> a2 = Codes(p, 2, count);
                Vector512<int> a3 = Codes(p, 3, count);
                Vector512<int> a4 = Codes(p, 4, count);
                Vector512<int> a5 = Codes(p, 5, count);
                Vector512<int> a6 = Codes(p, 6, count);
                Vector512<int> a7 = Codes(p, 7, count);
                Vector512<int> a8 = Codes(p, 8, count);
                Vector512<int> a9 = Codes(p, 9, count);
                Vector512<int> a10 = Codes(p, 10, count);
                Vector512<int> a11 = Codes(p, 11, count);
                Vector512<int> a12 = Codes(p, 12, count);
                Vector512<int> a13 = Codes(p, 13, count);
                Vector512<int> a14 = Codes(p, 14, count);
                Vector512<int> a15 = Codes(p, 15, count);
                Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                int bytes = Math.Min(64, codebooks - g0 * 4);
                Vector512<byte> mask = Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)bytes));
                byte* row = codes + g0 * 4;
                Avx512BW.MaskStore(row + 0 * (nint)codebooks, mask, a0.AsByte());
                Avx512BW.MaskStore(row + 1 * (nint)codebooks, mask, a1.AsByte());
                Avx512BW.MaskStore(row + 2 * (nint)codebooks, mask, a2.AsByte());
                Avx512BW.MaskStore(row + 3 * (nint)codebooks, mask, a3.AsByte());
                Avx512BW.MaskStore(row + 4 * (nint)codebooks, mask, a4.AsByte());
                Avx512BW.MaskStore(row + 5 * (nint)codebooks, mask, a5.AsByte());
                Avx512BW.MaskStore(row + 6 * (nint)codebooks, mask, a6.AsByte());
                Avx512BW.MaskStore(row + 7 * (nint)codebooks, mask, a7.AsByte());
                Avx512BW.MaskStore(row + 8 * (nint)codebooks, mask, a8.AsByte());
                Avx512BW.MaskStore(row + 9 * (nint)codebooks, mask, a9.AsByte());
                Avx512BW.MaskStore(row + 10 * (nint)codebooks, mask, a10.AsByte());
                Avx512BW.MaskStore(row + 11 * (nint)codebooks, mask, a11.AsByte());
                Avx512BW.MaskStore(row + 12 * (nint)codebooks, mask, a12.AsByte());
                Avx512BW.MaskStore(row + 13 * (nint)codebooks, mask, a13.AsByte());
                Avx512BW.MaskStore(row + 14 * (nint)codebooks, mask, a14.AsByte());
                Avx512BW.MaskStore(row + 15 * (nint)codebooks, mask, a15.AsByte());
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<int> Codes(int* packed, int k, int count)
            => k < count ? Vector512.Load(packed + k * TileRows) & Vector512.Create(0x0F0F0F0F) : Vector512<int>.Zero;

        /// <summary>16 rows of C code bytes into a tile's packed codes, adding the group offsets.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void LoadCodes(byte* codes, int codebooks, uint* packed)
        {
            int groups = Groups(codebooks);
            for (int g0 = 0; g0 < groups; g0 += 16)
            {
                int bytes = Math.Min(64, codebooks - g0 * 4);
                Vector512<byte> mask = Vector512.LessThan(Vector512<byte>.Indices, Vector512.Create((byte)bytes));
                byte* row = codes + g0 * 4;
                Vector512<int> a0 = Avx512BW.MaskLoad(row + 0 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a1 = Avx512BW.MaskLoad(row + 1 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a2 = Avx512BW.MaskLoad(row + 2 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a3 = Avx512BW.MaskLoad(row + 3 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a4 = Avx512BW.MaskLoad(row + 4 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a5 = Avx512BW.MaskLoad(row + 5 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a6 = Avx512BW.MaskLoad(row + 6 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a7 = Avx512BW.MaskLoad(row + 7 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a8 = Avx512BW.MaskLoad(row + 8 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a9 = Avx512BW.MaskLoad(row + 9 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a10 = Avx512BW.MaskLoad(row + 10 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a11 = Avx512BW.MaskLoad(row + 11 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a12 = Avx512BW.MaskLoad(row + 12 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a13 = Avx512BW.MaskLoad(row + 13 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a14 = Avx512BW.MaskLoad(row + 14 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Vector512<int> a15 = Avx512BW.MaskLoad(row + 15 * (nint)codebooks, mask, Vector512<byte>.Zero).AsInt32();
                Dwords16x16.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                int count = Math.Min(16, groups - g0);
                int* p = (int*)packed + g0 * TileRows;
                Vector512<int> offsets = Vector512.Create(0x30201000);
                if (count > 0) (a0 | offsets).Store(p + 0 * TileRows);
                if (count > 1) (a1 | offsets).Store(p + 1 * TileRows);
                if (count > 2) (a2 | offsets).Store(p + 2 * TileRows);
                if (count > 3) (a3 | offsets).Store(p + 3 * TileRows);
                if (count > 4) (a4 | offsets).Store(p + 4 * TileRows);
                if (count > 5) (a5 | offsets).Store(p + 5 * TileRows);
                if (count > 6) (a6 | offsets).Store(p + 6 * TileRows);
                if (count > 7) (a7 | offsets).Store(p + 7 * TileRows);
                if (count > 8) (a8 | offsets).Store(p + 8 * TileRows);
                if (count > 9) (a9 | offsets).Store(p + 9 * TileRows);
                if (count > 10) (a10 | offsets).Store(p + 10 * TileRows);
                if (count > 11) (a11 | offsets).Store(p + 11 * TileRows);
                if (count > 12) (a12 | offsets).Store(p + 12 * TileRows);
                if (count > 13) (a13 | offsets).Store(p + 13 * TileRows);
                if (count > 14) (a14 | offsets).Store(p + 14 * TileRows);
                if (count > 15) (a15 | offsets).Store(p + 15 * TileRows);
            }
        }

        private static void CheckShape(int inputDimension, int codebooks, int outputs)
        {
            if (inputDimension < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(inputDimension), inputDimension, "Must be at least 1.");
            }

            if (codebooks < 1 || codebooks > MaxCodebooks)
            {
                throw new ArgumentOutOfRangeException(nameof(codebooks), codebooks, "Must be 1 to " + MaxCodebooks + ".");
            }

            if (outputs < 1 || outputs > MaxOutputs)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "Must be 1 to " + MaxOutputs + ".");
            }
        }

        private static void CheckLength(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException("Needs at least " + required + " elements; has " + length + ".", name);
            }
        }
    }
}
