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
            int bias = AverageBias(model);
            int skipped = FusedStageSkips.Skipped;
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
                            if ((skipped & FusedStageSkips.Scan) == 0)
                            {
                                steps.Scan(ref codes[t * tileCodes], ref *sums);
                            }

                            if ((skipped & FusedStageSkips.Stores) != 0)
                            {
                                continue;
                            }

                            float* rowsOut = pd + (nint)(first + t * TileRows) * m;
                            // Two instantiations, so neither widening tests the bias per vector.
                            if (bias == 0)
                            {
                                StoreRows(sums, m, rowsOut, step, offset, default(ZeroExtended));
                            }
                            else
                            {
                                StoreRows(sums, m, rowsOut, step, offset, new Unbiased(bias));
                            }
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

        /// <summary>A tile's 16-bit sums (output m's at <c>m · 32</c> ints, even rows then odd rows, as
        /// <see cref="FusedAvx2Tiles.StoreSums"/> writes them) into 32 row-major rows of M outputs, one fused multiply-add
        /// each (the rounding of <see cref="MathF.FusedMultiplyAdd"/>): eight rows and eight outputs at a time, widened
        /// straight from 16 bits, transposed, and written whole (M below 8: with a masked store). The eight rows of a
        /// group are every other row (the 16-bit order), so each transposed vector goes to its own row. Reads sums, steps
        /// and offsets of M rounded up to 8 outputs (the buffers are padded).</summary>
        /// <param name="sums">The tile's sums.</param>
        /// <param name="outputs">M.</param>
        /// <param name="destination">Row 0 of the tile.</param>
        /// <param name="step">Steps, padded.</param>
        /// <param name="offset">Offsets, padded.</param>
        /// <param name="widener">Turns the zero-extended stored values into the sums (see <see cref="Unbiased"/>).</param>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreRows<TWidener>(int* sums, int outputs, float* destination, float* step, float* offset, TWidener widener)
            where TWidener : struct, IWidener
        {
            if (outputs == 1)
            {
                // One output (a filter): the even and odd rows interleaved back into row order; no transpose.
                Vector256<float> s = Vector256.Create(step[0]), o = Vector256.Create(offset[0]);
                Vector256<ushort> even = Vector256.Load((ushort*)sums), odd = Vector256.Load((ushort*)sums + 16);
                // Per 128-bit lane: rows 0..7 (16..23) and 8..15 (24..31).
                Vector256<ushort> low = Avx2.UnpackLow(even, odd), high = Avx2.UnpackHigh(even, odd);
                Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(low.GetLower()))), s, o).Store(destination);
                Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(high.GetLower()))), s, o).Store(destination + 8);
                Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(low.GetUpper()))), s, o).Store(destination + 16);
                Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(high.GetUpper()))), s, o).Store(destination + 24);
                return;
            }

            nint stride = 2 * (nint)outputs;
            for (int next = 0; next < outputs; next += 8)
            {
                // From 8 outputs on, the last group ends at the last output, overlapping the one before (those outputs
                // are written twice with the same values) instead of a masked store, which is slow on some CPUs.
                int m0 = outputs >= 8 ? Math.Min(next, outputs - 8) : next;
                ushort* s = (ushort*)(sums + m0 * TileRows);
                float* st = step + m0, of = offset + m0;
                Vector256<float> s0 = Vector256.Create(st[0]), s1 = Vector256.Create(st[1]), s2 = Vector256.Create(st[2]), s3 = Vector256.Create(st[3]);
                Vector256<float> s4 = Vector256.Create(st[4]), s5 = Vector256.Create(st[5]), s6 = Vector256.Create(st[6]), s7 = Vector256.Create(st[7]);
                Vector256<float> o0 = Vector256.Create(of[0]), o1 = Vector256.Create(of[1]), o2 = Vector256.Create(of[2]), o3 = Vector256.Create(of[3]);
                Vector256<float> o4 = Vector256.Create(of[4]), o5 = Vector256.Create(of[5]), o6 = Vector256.Create(of[6]), o7 = Vector256.Create(of[7]);
                bool whole = outputs - m0 >= 8;
                Vector256<int> mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(outputs - m0));
                // An output's sums are 64 ints apart in 16-bit words (32 ints); group g is words 8g .. 8g + 7.
                const int Words = 2 * TileRows;
                for (int g = 0; g < 4; g++)
                {
                    ushort* w = s + 8 * g;
                    Vector256<float> a0 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 0 * Words))), s0, o0);
                    Vector256<float> a1 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 1 * Words))), s1, o1);
                    Vector256<float> a2 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 2 * Words))), s2, o2);
                    Vector256<float> a3 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 3 * Words))), s3, o3);
                    Vector256<float> a4 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 4 * Words))), s4, o4);
                    Vector256<float> a5 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 5 * Words))), s5, o5);
                    Vector256<float> a6 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 6 * Words))), s6, o6);
                    Vector256<float> a7 = Fma.MultiplyAdd(Avx.ConvertToVector256Single(widener.Widen(Avx2.ConvertToVector256Int32(w + 7 * Words))), s7, o7);
                    Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7);
                    float* row = destination + GroupRow(g) * (nint)outputs + m0;
                    if (whole)
                    {
                        a0.Store(row);
                        a1.Store(row + stride);
                        a2.Store(row + 2 * stride);
                        a3.Store(row + 3 * stride);
                        a4.Store(row + 4 * stride);
                        a5.Store(row + 5 * stride);
                        a6.Store(row + 6 * stride);
                        a7.Store(row + 7 * stride);
                    }
                    else
                    {
                        Vector256<float> keep = mask.AsSingle();
                        Avx.MaskStore(row, keep, a0);
                        Avx.MaskStore(row + stride, keep, a1);
                        Avx.MaskStore(row + 2 * stride, keep, a2);
                        Avx.MaskStore(row + 3 * stride, keep, a3);
                        Avx.MaskStore(row + 4 * stride, keep, a4);
                        Avx.MaskStore(row + 5 * stride, keep, a5);
                        Avx.MaskStore(row + 6 * stride, keep, a6);
                        Avx.MaskStore(row + 7 * stride, keep, a7);
                    }
                }
            }
        }

        /// <summary>The first row of 16-bit group <paramref name="g"/> (words 8g .. 8g + 7 of an output's sums, rows two
        /// apart): even rows 0.., 16.., then odd rows 1.., 17...</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int GroupRow(int g) => (g & 1) * 16 + (g >> 1);

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

        /// <summary>Turns zero-extended stored 16-bit sums into the sums.</summary>
        private interface IWidener
        {
            /// <summary>The sums of the zero-extended stored values <paramref name="stored"/>.</summary>
            Vector256<int> Widen(Vector256<int> stored);
        }

        /// <summary>Exact models: a stored value is the sum (0 .. 255 · C, below 2^16).</summary>
        private readonly struct ZeroExtended : IWidener
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector256<int> Widen(Vector256<int> stored) => stored;
        }

        /// <summary>Average models: a stored value v is the sum <c>((v + bias) mod 2^16) − bias</c>, since the sums
        /// (G · U − bias) lie in −bias .. 255 · C − bias, inside a window of 2^16.</summary>
        private readonly struct Unbiased : IWidener
        {
            private readonly Vector256<int> _bias;

            public Unbiased(int bias) => _bias = Vector256.Create(bias);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector256<int> Widen(Vector256<int> stored) => ((stored + _bias) & Vector256.Create(0xFFFF)) - _bias;
        }

        /// <summary>The bias correction the steps' Scan subtracts (docs/algorithm.md §2): floor(C · log2 G / 4) with
        /// G = min(16, C) for average models, else 0.</summary>
        private static int AverageBias(KernelRuntimeModel model)
        {
            if (model.Aggregation != KernelCompiler.LutAggregation.Average)
            {
                return 0;
            }

            int log2 = 0;
            while ((1 << log2) < Math.Min(16, model.Codebooks))
            {
                log2++;
            }

            return model.Codebooks * log2 / 4;
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
