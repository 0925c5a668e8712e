using System;
using System.Buffers;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The shape-independent half of the fused 128-bit path (SSSE3 on x86, AdvSimd on Arm64): the tile loop of Multiply,
    /// and moving outputs from the steps' tile layout (see <see cref="IFusedVector128KernelSteps"/>) to the caller's
    /// row-major span with one fused multiply-add each. Generated and emitted kernels call it with a struct of their
    /// steps. Not meant to be called by hand.
    /// </summary>
    /// <remarks>
    /// The path's packing, which its steps and this loop share: <see cref="TileRows"/> rows a tile (one byte vector of
    /// 128 bits), one codebook a lookup, <see cref="TableBytes"/> bytes a table (the model's 16 entries as they are).
    /// Where the rows are not a multiple of 16 the last tile ends at the last row, overlapping the one before (those
    /// rows are written twice with the same values). Tiles are encoded a chunk at a time (codes of at most 64 KiB on the
    /// stack), then scanned and stored one tile at a time. Only Multiply runs here: Encode, Aggregate and MultiplyCodes
    /// return 0 rows done and the caller's next path (the 128-bit blocks) takes them.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class FusedVector128KernelRuntime
    {
        /// <summary>Rows per tile.</summary>
        public const int TileRows = 16;

        /// <summary>Bytes per codebook and output in the tables Scan reads (<see cref="FusedVector128Tiles.Tables"/>).</summary>
        public const int TableBytes = 16;

        /// <summary>Whether this CPU runs the path: SSSE3 on x86 (SSE4.1 is used where present), AdvSimd on Arm64.</summary>
        public static bool IsSupported => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;

        /// <summary>Codes of a chunk of tiles, at most (on the stack).</summary>
        private const int MaxChunkCodeBytes = 64 * 1024;

        /// <summary>A tile's sums up to this size are on the stack; larger ones are rented.</summary>
        private const int MaxStackSumsBytes = 32 * 1024;

        /// <summary>
        /// Runs <paramref name="operation"/> on the fused 128-bit path from row <paramref name="row"/> and returns the
        /// first row not done: <paramref name="rows"/> for Multiply where at least one tile is left and the CPU has the
        /// path, else <paramref name="row"/>.
        /// </summary>
        /// <typeparam name="TSteps">The kernel's steps struct.</typeparam>
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
        /// <returns>The first row not done.</returns>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int Run<TSteps>(TSteps steps, KernelOperation operation,
            ReadOnlySpan<float> x, ReadOnlySpan<byte> codesIn, int rows, int row, bool columnMajor,
            Span<byte> codes, Span<int> sums, Span<float> destination)
            where TSteps : struct, IFusedVector128KernelSteps
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
            where TSteps : struct, IFusedVector128KernelSteps
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
            int sumsLength = m * TileRows;
            byte* codes = stackalloc byte[chunkTiles * tileCodes];
            ushort[]? rented = null;
            Span<ushort> sumsBuffer = sumsLength * 2 <= MaxStackSumsBytes ? stackalloc ushort[sumsLength] : (rented = ArrayPool<ushort>.Shared.Rent(sumsLength));
            ReadOnlySpan<float> step = model.Steps, offset = model.Offsets;
            int bias = AverageBias(model);
            try
            {
                fixed (float* px = x)
                fixed (float* pd = destination)
                fixed (ushort* tileSums = sumsBuffer)
                fixed (float* ps = step)
                fixed (float* po = offset)
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
                            steps.Scan(ref codes[t * tileCodes], ref *tileSums);
                            float* rowsOut = pd + (nint)(first + t * TileRows) * m;
                            // Two instantiations, so neither widening tests the bias per vector.
                            if (bias == 0)
                            {
                                StoreRows(tileSums, m, rowsOut, ps, po, default(ZeroExtended));
                            }
                            else
                            {
                                StoreRows(tileSums, m, rowsOut, ps, po, new Unbiased(bias));
                            }
                        }

                        first += tiles * TileRows;
                    }
                }
            }
            finally
            {
                if (rented is not null) ArrayPool<ushort>.Shared.Return(rented);
            }

            return count;
        }

        /// <summary>A tile's 16-bit sums (output m's 16 words at <c>m · 16</c>, even rows then odd rows, as
        /// <see cref="FusedVector128Tiles.StoreSums"/> writes them) into 16 row-major rows of M outputs, one fused
        /// multiply-add each (the rounding of <see cref="MathF.FusedMultiplyAdd"/>): four rows and four outputs at a time,
        /// widened from 16 bits, transposed and written whole. The four rows of a group are every other row (the 16-bit
        /// order), so each transposed vector goes to its own row. From 4 outputs on, the last group ends at the last
        /// output, overlapping the one before (those outputs are written twice with the same values); fewer than 4
        /// outputs are written lane by lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void StoreRows<TWidener>(ushort* sums, int outputs, float* destination, float* step, float* offset, TWidener widener)
            where TWidener : struct, IWidener
        {
            nint stride = 2 * (nint)outputs;
            if (outputs < 4)
            {
                for (int k = 0; k < outputs; k++)
                {
                    Vector128<float> s = Vector128.Create(step[k]), o = Vector128.Create(offset[k]);
                    for (int g = 0; g < 4; g++)
                    {
                        Vector128<float> a = Dequantise(Widened(sums + k * TileRows, g, widener), s, o);
                        float* row = destination + GroupRow(g) * (nint)outputs + k;
                        row[0] = a.GetElement(0);
                        row[stride] = a.GetElement(1);
                        row[2 * stride] = a.GetElement(2);
                        row[3 * stride] = a.GetElement(3);
                    }
                }

                return;
            }

            for (int next = 0; next < outputs; next += 4)
            {
                int m0 = Math.Min(next, outputs - 4);
                ushort* w = sums + m0 * TileRows;
                float* st = step + m0, of = offset + m0;
                Vector128<float> s0 = Vector128.Create(st[0]), s1 = Vector128.Create(st[1]), s2 = Vector128.Create(st[2]), s3 = Vector128.Create(st[3]);
                Vector128<float> o0 = Vector128.Create(of[0]), o1 = Vector128.Create(of[1]), o2 = Vector128.Create(of[2]), o3 = Vector128.Create(of[3]);
                for (int g = 0; g < 4; g++)
                {
                    Vector128<float> a0 = Dequantise(Widened(w, g, widener), s0, o0);
                    Vector128<float> a1 = Dequantise(Widened(w + TileRows, g, widener), s1, o1);
                    Vector128<float> a2 = Dequantise(Widened(w + 2 * TileRows, g, widener), s2, o2);
                    Vector128<float> a3 = Dequantise(Widened(w + 3 * TileRows, g, widener), s3, o3);
                    Transpose(ref a0, ref a1, ref a2, ref a3);
                    float* row = destination + GroupRow(g) * (nint)outputs + m0;
                    a0.Store(row);
                    a1.Store(row + stride);
                    a2.Store(row + 2 * stride);
                    a3.Store(row + 3 * stride);
                }
            }
        }

        /// <summary>Group <paramref name="g"/> of an output's sums (words 4g .. 4g + 3: rows <see cref="GroupRow"/>(g)
        /// and every other row after it) as floats.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector128<float> Widened<TWidener>(ushort* words, int g, TWidener widener)
            where TWidener : struct, IWidener
        {
            Vector128<ushort> half = Vector128.Load(words + 8 * (g >> 1));
            Vector128<uint> wide = (g & 1) == 0 ? Vector128.WidenLower(half) : Vector128.WidenUpper(half);
            return Vector128.ConvertToSingle(widener.Widen(wide.AsInt32()));
        }

        /// <summary><c>sum · step + offset</c> rounded once: vfmadd on x86 with FMA, fmla on Arm64, x86 without FMA
        /// <see cref="RoundToOdd"/> in double, else <see cref="MathF.FusedMultiplyAdd"/> lane by lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Dequantise(Vector128<float> sum, Vector128<float> step, Vector128<float> offset)
        {
            if (Fma.IsSupported)
            {
                return Fma.MultiplyAdd(sum, step, offset);
            }

            if (AdvSimd.IsSupported)
            {
                return AdvSimd.FusedMultiplyAdd(offset, sum, step);
            }

            if (Sse2.IsSupported)
            {
                // Without the instruction MathF.FusedMultiplyAdd is a call per lane; this is the same rounding in registers.
                return MultiplyAddRoundedOnce(sum, step, offset);
            }

            return Vector128.Create(
                MathF.FusedMultiplyAdd(sum.GetElement(0), step.GetElement(0), offset.GetElement(0)),
                MathF.FusedMultiplyAdd(sum.GetElement(1), step.GetElement(1), offset.GetElement(1)),
                MathF.FusedMultiplyAdd(sum.GetElement(2), step.GetElement(2), offset.GetElement(2)),
                MathF.FusedMultiplyAdd(sum.GetElement(3), step.GetElement(3), offset.GetElement(3)));
        }

        /// <summary><c>sum · step + offset</c> for integer sums below 2^17 in magnitude, rounded once to float as
        /// <see cref="MathF.FusedMultiplyAdd"/> rounds it, without an FMA instruction (<see cref="RoundToOdd"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal static Vector128<float> MultiplyAddRoundedOnce(Vector128<float> sum, Vector128<float> step, Vector128<float> offset)
            => Vector128.Narrow(
                RoundToOdd(Vector128.WidenLower(sum), Vector128.WidenLower(step), Vector128.WidenLower(offset)),
                RoundToOdd(Vector128.WidenUpper(sum), Vector128.WidenUpper(step), Vector128.WidenUpper(offset)));

        /// <summary><c>sum · step + offset</c> rounded to odd in double precision, which the conversion to float then rounds
        /// to nearest exactly as one fused multiply-add in float would (rounding to odd with at least two more bits than
        /// the target, then to nearest, is a single correct rounding; double has 29 more than float). The product is exact
        /// (a sum below 2^17 times a 24-bit step); the addition's error comes from a two-sum, and where it is not zero and
        /// the rounded sum's last bit is even, the sum moves one unit toward the exact value, to the odd neighbour.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<double> RoundToOdd(Vector128<double> sum, Vector128<double> step, Vector128<double> offset)
        {
            Vector128<double> product = sum * step;
            Vector128<double> rounded = product + offset;
            Vector128<double> offsetPart = rounded - product;
            Vector128<double> error = (product - (rounded - offsetPart)) + (offset - offsetPart);
            Vector128<long> bits = rounded.AsInt64();
            Vector128<long> one = Vector128.Create(1L);
            Vector128<long> inexact = ~Vector128.Equals(error, Vector128<double>.Zero).AsInt64();
            // All ones where the last bit is even.
            Vector128<long> even = Vector128<long>.Zero - ((bits & one) ^ one);
            // +1 (away from zero) where the error has the sum's sign, else −1: IEEE bit patterns order by magnitude.
            Vector128<long> opposite = Vector128.ShiftRightLogical(bits ^ error.AsInt64(), 63);
            Vector128<long> toward = one - (opposite + opposite);
            return (bits + (toward & inexact & even)).AsDouble();
        }

        /// <summary>The first row of 16-bit group <paramref name="g"/> (words 4g .. 4g + 3 of an output's sums, rows two
        /// apart): even rows 0.., 8.., then odd rows 1.., 9...</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int GroupRow(int g) => (g >> 1) + (g & 1) * 8;

        /// <summary>4 × 4 floats transposed in registers: afterwards <c>a</c>i holds lane i of every input.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Transpose(ref Vector128<float> a0, ref Vector128<float> a1, ref Vector128<float> a2, ref Vector128<float> a3)
        {
            if (Sse.IsSupported)
            {
                Vector128<float> t0 = Sse.UnpackLow(a0, a1), t1 = Sse.UnpackHigh(a0, a1), t2 = Sse.UnpackLow(a2, a3), t3 = Sse.UnpackHigh(a2, a3);
                a0 = Sse.MoveLowToHigh(t0, t2);
                a1 = Sse.MoveHighToLow(t2, t0);
                a2 = Sse.MoveLowToHigh(t1, t3);
                a3 = Sse.MoveHighToLow(t3, t1);
            }
            else if (AdvSimd.Arm64.IsSupported)
            {
                Vector128<float> t0 = AdvSimd.Arm64.ZipLow(a0, a1), t1 = AdvSimd.Arm64.ZipHigh(a0, a1);
                Vector128<float> t2 = AdvSimd.Arm64.ZipLow(a2, a3), t3 = AdvSimd.Arm64.ZipHigh(a2, a3);
                a0 = AdvSimd.Arm64.ZipLow(t0.AsDouble(), t2.AsDouble()).AsSingle();
                a1 = AdvSimd.Arm64.ZipHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
                a2 = AdvSimd.Arm64.ZipLow(t1.AsDouble(), t3.AsDouble()).AsSingle();
                a3 = AdvSimd.Arm64.ZipHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
            }
            else
            {
                Vector128<float> b0 = a0, b1 = a1, b2 = a2, b3 = a3;
                a0 = Vector128.Create(b0.GetElement(0), b1.GetElement(0), b2.GetElement(0), b3.GetElement(0));
                a1 = Vector128.Create(b0.GetElement(1), b1.GetElement(1), b2.GetElement(1), b3.GetElement(1));
                a2 = Vector128.Create(b0.GetElement(2), b1.GetElement(2), b2.GetElement(2), b3.GetElement(2));
                a3 = Vector128.Create(b0.GetElement(3), b1.GetElement(3), b2.GetElement(3), b3.GetElement(3));
            }
        }

        /// <summary>Turns zero-extended stored 16-bit sums into the sums.</summary>
        private interface IWidener
        {
            /// <summary>The sums of the zero-extended stored values <paramref name="stored"/>.</summary>
            Vector128<int> Widen(Vector128<int> stored);
        }

        /// <summary>Exact models: a stored value is the sum (0 .. 255 · C, below 2^16).</summary>
        private readonly struct ZeroExtended : IWidener
        {
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector128<int> Widen(Vector128<int> stored) => stored;
        }

        /// <summary>Average models: a stored value v is the sum <c>((v + bias) mod 2^16) − bias</c>, since the sums
        /// (G · U − bias) lie in −bias .. 255 · C − bias, inside a window of 2^16.</summary>
        private readonly struct Unbiased : IWidener
        {
            private readonly Vector128<int> _bias;

            public Unbiased(int bias) => _bias = Vector128.Create(bias);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public Vector128<int> Widen(Vector128<int> stored) => ((stored + _bias) & Vector128.Create(0xFFFF)) - _bias;
        }

        /// <summary>The bias correction the steps' Scan subtracts (docs/algorithm.md §2): floor(C · log2 G / 4) with
        /// G = min(16, C) for average models, else 0.</summary>
        private static int AverageBias(KernelRuntimeModel model)
        {
            if (model.Aggregation != LutAggregation.Average)
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

        private static void CheckLength(int length, long required, string name)
        {
            if (length < required)
            {
                throw new ArgumentException("Needs at least " + required + " elements; has " + length + ".", name);
            }
        }
    }
}
