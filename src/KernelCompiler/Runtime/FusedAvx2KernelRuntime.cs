using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent half of the fused AVX2 path: the tile loop of Multiply, and moving outputs from the steps'
    /// tile layout (see <see cref="IFusedAvx2KernelSteps"/>) to the caller's row-major span with one fused multiply-add
    /// each. Generated kernels call it with a struct of their steps; emitted kernels with a struct of delegates. Not
    /// meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// The path's packing, which its steps and this loop share: <see cref="TileRows"/> rows a tile (one byte vector
    /// of 256 bits), one codebook a lookup (<see cref="CodebooksPerLookup"/>), <see cref="TableBytes"/> bytes a table
    /// (16 entries, once per 128-bit lane). Where the rows are not a multiple of 32 the last tile ends at the last row,
    /// overlapping the one before (those rows are written twice with the same values). Tiles are encoded a chunk at a
    /// time (codes of at most 64 KiB on the stack), then scanned and stored one tile at a time. Only Multiply runs here:
    /// Encode, Aggregate and MultiplyCodes return 0 rows done and the caller's next path (AVX2 blocks) takes them.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedAvx2KernelRuntime
    {
        /// <summary>Rows per tile.</summary>
        public const int TileRows = 32;

        /// <summary>Codebooks looked up by one shuffle: one (a 16-entry table per 128-bit lane, both lanes the same).</summary>
        public const int CodebooksPerLookup = 1;

        /// <summary>Bytes per codebook and output in the tables Scan reads (<see cref="FusedAvx2Tiles.Tables"/>).</summary>
        public const int TableBytes = 32;

        /// <summary>Whether this CPU runs the path: AVX2 and FMA.</summary>
        public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

        /// <summary>Codes of a chunk of tiles, at most (on the stack).</summary>
        private const int MaxChunkCodeBytes = 64 * 1024;

        /// <summary>A tile's sums up to this size are on the stack; larger ones are rented.</summary>
        private const int MaxStackSumsBytes = 32 * 1024;

        /// <summary>
        /// Runs <paramref name="operation"/> on the fused AVX2 path from row <paramref name="row"/> and returns the first
        /// row not done: <paramref name="rows"/> for Multiply where at least one tile is left and the CPU has AVX2 and
        /// FMA, else <paramref name="row"/>.
        /// </summary>
        /// <param name="steps">The model's fused steps, which carry its shape and data.</param>
        /// <param name="operation">What to compute.</param>
        /// <param name="x">Input rows, N × D (column-major D × N where <paramref name="columnMajor"/>); for Encode and Multiply.</param>
        /// <param name="codesIn">Row-major codes, N × C, each below 16; for Aggregate and MultiplyCodes.</param>
        /// <param name="rows">N.</param>
        /// <param name="row">The first row to do.</param>
        /// <param name="columnMajor">Whether <paramref name="x"/> is column-major.</param>
        /// <param name="codes">Encode's destination, N × C.</param>
        /// <param name="sums">Aggregate's destination, N × M.</param>
        /// <param name="destination">Multiply's and MultiplyCodes' destination, N × M.</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int Run<TSteps>(TSteps steps, KernelOperation operation,
            ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows, int row, bool columnMajor,
            Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedAvx2KernelSteps
        {
            KernelRuntimeModel model = steps.Model;
            ArgumentNullException.ThrowIfNull(model, nameof(steps) + "." + nameof(steps.Model));
            if (operation != KernelOperation.Multiply)
            {
                return row;
            }

            CheckLength(x.Length, (long)rows * model.InputDimension, nameof(x));
            CheckLength(destination.Length, (long)rows * model.OutputDimension, nameof(destination));
            if ((uint)row > (uint)rows)
            {
                throw new ArgumentOutOfRangeException(nameof(row), row, "Must be 0 to " + rows + ".");
            }

            int done = MultiplyRows(ref steps, x, rows, row, rows, columnMajor, destination.Slice(row * model.OutputDimension));
            return row + done;
        }

        /// <summary>Outputs of the rows <paramref name="start"/> .. <paramref name="end"/> − 1 of x (N =
        /// <paramref name="rows"/>, the column stride of column-major input) into <paramref name="destination"/>, whose
        /// first row is row <paramref name="start"/>; returns the rows done (all of them, or 0 where there are fewer than
        /// a tile or the CPU lacks the path). Arguments are the caller's to check.</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static unsafe int MultiplyRows<TSteps>(ref TSteps steps, ReadOnlySpan<float> x, int rows, int start, int end,
            bool columnMajor, Span<float> destination)
            where TSteps : struct, IFusedAvx2KernelSteps
        {
            int count = end - start;
            if (count < TileRows || !IsSupported)
            {
                return 0;
            }

            KernelRuntimeModel model = steps.Model;
            int d = model.InputDimension, c = model.Codebooks, m = model.OutputDimension;
            int tileCodes = c * TileRows;
            int chunkTiles = Math.Clamp(MaxChunkCodeBytes / tileCodes, 1, count / TileRows);
            int padded = (m + 7) / 8 * 8;
            int sumsLength = padded * TileRows;
            byte* codes = stackalloc byte[chunkTiles * tileCodes];
            int[]? rented = null;
            Span<int> sumsBuffer = sumsLength * 4 <= MaxStackSumsBytes ? stackalloc int[sumsLength] : (rented = ArrayPool<int>.Shared.Rent(sumsLength));
            // The padding outputs are read by the stores (and never written out): zero, so they hold no stray values.
            sumsBuffer.Slice(m * TileRows, (padded - m) * TileRows).Clear();
            float* step = stackalloc float[padded];
            float* offset = stackalloc float[padded];
            CopyPadded(model.Steps, step, padded);
            CopyPadded(model.Offsets, offset, padded);
            try
            {
                fixed (float* px = x)
                fixed (float* pd = destination)
                fixed (int* sums = sumsBuffer)
                {
                    int first = 0;
                    while (first < count)
                    {
                        // Whole tiles from the first row; the last tile ends at the last row.
                        int tiles = Math.Min(chunkTiles, (count - first) / TileRows);
                        if (tiles == 0)
                        {
                            first = count - TileRows;
                            tiles = 1;
                        }

                        int row0 = start + first;
                        if (columnMajor)
                        {
                            steps.EncodeColumns(ref px[row0], rows, ref *codes, tiles);
                        }
                        else
                        {
                            steps.EncodeRows(ref px[(nint)row0 * d], ref *codes, tiles);
                        }

                        for (int t = 0; t < tiles; t++)
                        {
                            steps.Scan(ref codes[t * tileCodes], ref *sums);
                            StoreRows(sums, m, pd + (nint)(first + t * TileRows) * m, step, offset);
                        }

                        first += tiles * TileRows;
                    }
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<int>.Shared.Return(rented);
            }

            return count;
        }

        /// <summary>A tile's sums ([m][32]) into 32 row-major rows of M outputs, one fused multiply-add each (the
        /// rounding of <see cref="MathF.FusedMultiplyAdd"/>): eight rows and eight outputs at a time, transposed, and
        /// written whole (M below 8: with a masked store). Reads sums, steps and offsets of M rounded up to 8 outputs
        /// (the buffers are padded).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreRows(int* sums, int outputs, float* destination, float* step, float* offset)
        {
            if (outputs == 1)
            {
                // One output (a filter): the tile's outputs are 32 contiguous values; no transpose.
                Vector256<float> s = Vector256.Create(step[0]), o = Vector256.Create(offset[0]);
                for (int r = 0; r < TileRows; r += 8)
                {
                    Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(sums + r)), s, o).Store(destination + r);
                }

                return;
            }

            for (int next = 0; next < outputs; next += 8)
            {
                // From 8 outputs on, the last group ends at the last output, overlapping the one before (those outputs
                // are written twice with the same values) instead of a masked store, which is slow on some CPUs.
                int m0 = outputs >= 8 ? Math.Min(next, outputs - 8) : next;
                int* s = sums + m0 * TileRows;
                float* st = step + m0, of = offset + m0;
                Vector256<float> s0 = Vector256.Create(st[0]), s1 = Vector256.Create(st[1]), s2 = Vector256.Create(st[2]), s3 = Vector256.Create(st[3]);
                Vector256<float> s4 = Vector256.Create(st[4]), s5 = Vector256.Create(st[5]), s6 = Vector256.Create(st[6]), s7 = Vector256.Create(st[7]);
                Vector256<float> o0 = Vector256.Create(of[0]), o1 = Vector256.Create(of[1]), o2 = Vector256.Create(of[2]), o3 = Vector256.Create(of[3]);
                Vector256<float> o4 = Vector256.Create(of[4]), o5 = Vector256.Create(of[5]), o6 = Vector256.Create(of[6]), o7 = Vector256.Create(of[7]);
                bool whole = outputs - m0 >= 8;
                Vector256<int> mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(outputs - m0));
                for (int r0 = 0; r0 < TileRows; r0 += 8)
                {
                    Vector256<float> a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 0 * TileRows + r0)), s0, o0);
                    Vector256<float> a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 1 * TileRows + r0)), s1, o1);
                    Vector256<float> a2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 2 * TileRows + r0)), s2, o2);
                    Vector256<float> a3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 3 * TileRows + r0)), s3, o3);
                    Vector256<float> a4 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 4 * TileRows + r0)), s4, o4);
                    Vector256<float> a5 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 5 * TileRows + r0)), s5, o5);
                    Vector256<float> a6 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 6 * TileRows + r0)), s6, o6);
                    Vector256<float> a7 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(Vector256.Load(s + 7 * TileRows + r0)), s7, o7);
                    Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                    float* row = destination + (nint)r0 * outputs + m0;
                    if (whole)
                    {
                        a0.Store(row);
                        a1.Store(row + outputs);
                        a2.Store(row + 2 * (nint)outputs);
                        a3.Store(row + 3 * (nint)outputs);
                        a4.Store(row + 4 * (nint)outputs);
                        a5.Store(row + 5 * (nint)outputs);
                        a6.Store(row + 6 * (nint)outputs);
                        a7.Store(row + 7 * (nint)outputs);
                    }
                    else
                    {
                        Vector256<float> keep = mask.AsSingle();
                        Avx.MaskStore(row, keep, a0);
                        Avx.MaskStore(row + outputs, keep, a1);
                        Avx.MaskStore(row + 2 * (nint)outputs, keep, a2);
                        Avx.MaskStore(row + 3 * (nint)outputs, keep, a3);
                        Avx.MaskStore(row + 4 * (nint)outputs, keep, a4);
                        Avx.MaskStore(row + 5 * (nint)outputs, keep, a5);
                        Avx.MaskStore(row + 6 * (nint)outputs, keep, a6);
                        Avx.MaskStore(row + 7 * (nint)outputs, keep, a7);
                    }
                }
            }
        }

        /// <summary>8 × 8 floats transposed in registers: afterwards <c>a</c>i holds lane i of every input.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose(ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2, ref Vector256<float> a3,
            ref Vector256<float> a4, ref Vector256<float> a5, ref Vector256<float> a6, ref Vector256<float> a7)
        {
            Vector256<float> t0 = Avx.UnpackLow(a0, a1), t1 = Avx.UnpackHigh(a0, a1), t2 = Avx.UnpackLow(a2, a3), t3 = Avx.UnpackHigh(a2, a3);
            Vector256<float> t4 = Avx.UnpackLow(a4, a5), t5 = Avx.UnpackHigh(a4, a5), t6 = Avx.UnpackLow(a6, a7), t7 = Avx.UnpackHigh(a6, a7);
            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
            a0 = Avx.Permute2x128(u0, u4, 0x20);
            a1 = Avx.Permute2x128(u1, u5, 0x20);
            a2 = Avx.Permute2x128(u2, u6, 0x20);
            a3 = Avx.Permute2x128(u3, u7, 0x20);
            a4 = Avx.Permute2x128(u0, u4, 0x31);
            a5 = Avx.Permute2x128(u1, u5, 0x31);
            a6 = Avx.Permute2x128(u2, u6, 0x31);
            a7 = Avx.Permute2x128(u3, u7, 0x31);
        }

        private static unsafe void CopyPadded(ReadOnlySpan<float> values, float* padded, int length)
        {
            values.CopyTo(new Span<float>(padded, length));
            new Span<float>(padded + values.Length, length - values.Length).Clear();
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
