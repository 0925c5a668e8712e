using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KernelCompiler.Blas
{
    /// <summary>
    /// The best managed exact float32 product this project has: register-blocked 256-bit SIMD loops, one thread, no
    /// allocation. The exact engine where neither OpenBLAS nor BLIS can be loaded, and a baseline beside them. Row-major
    /// A is multiplied two rows by four outputs at a time against B transposed (eight accumulators, every load of A and
    /// Bᵀ used four or two times); column-major A sixteen rows by four outputs at a time against B (eight accumulators,
    /// one broadcast of B per output and depth index).
    /// </summary>
    internal static class DenseProduct
    {
        /// <summary>The name reports give this engine.</summary>
        public const string Engine = "managed blocked SIMD product (KernelCompiler.Blas), float32, 1 thread";

        /// <summary>B (depth × columns, row-major) transposed to columns × depth: what the row-major path reads.</summary>
        public static float[] Transpose(ReadOnlySpan<float> b, int depth, int columns)
        {
            var t = new float[b.Length];
            for (int k = 0; k < depth; k++)
                for (int j = 0; j < columns; j++)
                    t[j * depth + k] = b[k * columns + j];
            return t;
        }

        /// <summary>
        /// <paramref name="destination"/> (rows × columns, row-major) = A · B. Row-major A (rows × depth) takes
        /// <paramref name="bTransposed"/> (columns × depth); column-major A (depth × rows) takes <paramref name="b"/>
        /// (depth × columns).
        /// </summary>
        public static void Multiply(ReadOnlySpan<float> a, int rows, int depth, bool aColumnMajor, ReadOnlySpan<float> b,
            ReadOnlySpan<float> bTransposed, int columns, Span<float> destination)
        {
            if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows));
            if (depth <= 0) throw new ArgumentOutOfRangeException(nameof(depth));
            if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns));
            if (a.Length < (long)rows * depth) throw new ArgumentException("A is shorter than rows × depth.", nameof(a));
            if (destination.Length < (long)rows * columns)
            {
                throw new ArgumentException("Destination is shorter than rows × columns.", nameof(destination));
            }

            if (!aColumnMajor)
            {
                if (bTransposed.Length < depth * columns) throw new ArgumentException("Bᵀ is shorter than columns × depth.", nameof(bTransposed));
                RowMajor(a, rows, depth, bTransposed, columns, destination);
                return;
            }

            if (b.Length < depth * columns) throw new ArgumentException("B is shorter than depth × columns.", nameof(b));
            ColumnMajor(a, rows, depth, b, columns, destination);
        }

        private static void RowMajor(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> bt, int columns, Span<float> y)
        {
            int r = 0;
            if (Vector256.IsHardwareAccelerated && depth >= Vector256<float>.Count)
            {
                for (; r + 2 <= rows; r += 2)
                {
                    ReadOnlySpan<float> a0 = a.Slice(r * depth, depth), a1 = a.Slice((r + 1) * depth, depth);
                    int j = 0;
                    for (; j + 4 <= columns; j += 4)
                    {
                        TwoByFour(a0, a1, bt.Slice(j * depth, 4 * depth), depth, y.Slice(r * columns + j), y.Slice((r + 1) * columns + j));
                    }

                    for (; j < columns; j++)
                    {
                        ReadOnlySpan<float> bj = bt.Slice(j * depth, depth);
                        y[r * columns + j] = TensorPrimitives.Dot(a0, bj);
                        y[(r + 1) * columns + j] = TensorPrimitives.Dot(a1, bj);
                    }
                }
            }

            for (; r < rows; r++)
            {
                ReadOnlySpan<float> x = a.Slice(r * depth, depth);
                for (int j = 0; j < columns; j++)
                {
                    y[r * columns + j] = TensorPrimitives.Dot(x, bt.Slice(j * depth, depth));
                }
            }
        }

        // Two rows of A against four rows of Bᵀ: eight dot products sharing their loads.
        private static void TwoByFour(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> bt, int depth,
            Span<float> y0, Span<float> y1)
        {
            ref float p0 = ref MemoryMarshal.GetReference(a0);
            ref float p1 = ref MemoryMarshal.GetReference(a1);
            ref float q = ref MemoryMarshal.GetReference(bt);
            Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
            int width = Vector256<float>.Count, k = 0;
            nuint d1 = (nuint)depth, d2 = 2 * d1, d3 = 3 * d1;
            for (; k + width <= depth; k += width)
            {
                nuint o = (nuint)k;
                Vector256<float> x0 = Vector256.LoadUnsafe(ref p0, o), x1 = Vector256.LoadUnsafe(ref p1, o);
                Vector256<float> b0 = Vector256.LoadUnsafe(ref q, o), b1 = Vector256.LoadUnsafe(ref q, o + d1);
                Vector256<float> b2 = Vector256.LoadUnsafe(ref q, o + d2), b3 = Vector256.LoadUnsafe(ref q, o + d3);
                s00 = Vector256.MultiplyAddEstimate(x0, b0, s00);
                s01 = Vector256.MultiplyAddEstimate(x0, b1, s01);
                s02 = Vector256.MultiplyAddEstimate(x0, b2, s02);
                s03 = Vector256.MultiplyAddEstimate(x0, b3, s03);
                s10 = Vector256.MultiplyAddEstimate(x1, b0, s10);
                s11 = Vector256.MultiplyAddEstimate(x1, b1, s11);
                s12 = Vector256.MultiplyAddEstimate(x1, b2, s12);
                s13 = Vector256.MultiplyAddEstimate(x1, b3, s13);
            }

            float t00 = Vector256.Sum(s00), t01 = Vector256.Sum(s01), t02 = Vector256.Sum(s02), t03 = Vector256.Sum(s03);
            float t10 = Vector256.Sum(s10), t11 = Vector256.Sum(s11), t12 = Vector256.Sum(s12), t13 = Vector256.Sum(s13);
            for (; k < depth; k++)
            {
                float x0 = a0[k], x1 = a1[k];
                float b0 = bt[k], b1 = bt[depth + k], b2 = bt[2 * depth + k], b3 = bt[3 * depth + k];
                t00 += x0 * b0; t01 += x0 * b1; t02 += x0 * b2; t03 += x0 * b3;
                t10 += x1 * b0; t11 += x1 * b1; t12 += x1 * b2; t13 += x1 * b3;
            }

            y0[0] = t00; y0[1] = t01; y0[2] = t02; y0[3] = t03;
            y1[0] = t10; y1[1] = t11; y1[2] = t12; y1[3] = t13;
        }

        private static void ColumnMajor(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, int columns, Span<float> y)
        {
            int width = Vector256<float>.Count, tile = 2 * width, i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; i + tile <= rows; i += tile)
                {
                    int j = 0;
                    for (; j + 4 <= columns; j += 4)
                    {
                        SixteenByFour(a, rows, depth, b, columns, i, j, y);
                    }

                    for (; j < columns; j++)
                    {
                        SixteenByOne(a, rows, depth, b, columns, i, j, y);
                    }
                }
            }

            // The last rows, fewer than a tile: one output at a time, scalar.
            for (; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    float sum = 0;
                    for (int k = 0; k < depth; k++) sum += a[k * rows + i] * b[k * columns + j];
                    y[i * columns + j] = sum;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void SixteenByFour(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, int columns, int i, int j,
            Span<float> y)
        {
            ref float pa = ref MemoryMarshal.GetReference(a);
            Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
            nuint offset = (nuint)i, step = (nuint)rows, w = (nuint)Vector256<float>.Count;
            for (int k = 0; k < depth; k++, offset += step)
            {
                Vector256<float> x0 = Vector256.LoadUnsafe(ref pa, offset), x1 = Vector256.LoadUnsafe(ref pa, offset + w);
                ReadOnlySpan<float> bk = b.Slice(k * columns + j, 4);
                Vector256<float> b0 = Vector256.Create(bk[0]), b1 = Vector256.Create(bk[1]);
                Vector256<float> b2 = Vector256.Create(bk[2]), b3 = Vector256.Create(bk[3]);
                s00 = Vector256.MultiplyAddEstimate(x0, b0, s00);
                s01 = Vector256.MultiplyAddEstimate(x0, b1, s01);
                s02 = Vector256.MultiplyAddEstimate(x0, b2, s02);
                s03 = Vector256.MultiplyAddEstimate(x0, b3, s03);
                s10 = Vector256.MultiplyAddEstimate(x1, b0, s10);
                s11 = Vector256.MultiplyAddEstimate(x1, b1, s11);
                s12 = Vector256.MultiplyAddEstimate(x1, b2, s12);
                s13 = Vector256.MultiplyAddEstimate(x1, b3, s13);
            }

            int width = Vector256<float>.Count;
            for (int t = 0; t < width; t++)
            {
                Span<float> row0 = y.Slice((i + t) * columns + j, 4), row1 = y.Slice((i + width + t) * columns + j, 4);
                row0[0] = s00[t]; row0[1] = s01[t]; row0[2] = s02[t]; row0[3] = s03[t];
                row1[0] = s10[t]; row1[1] = s11[t]; row1[2] = s12[t]; row1[3] = s13[t];
            }
        }

        private static void SixteenByOne(ReadOnlySpan<float> a, int rows, int depth, ReadOnlySpan<float> b, int columns, int i, int j,
            Span<float> y)
        {
            ref float pa = ref MemoryMarshal.GetReference(a);
            Vector256<float> s0 = default, s1 = default;
            nuint offset = (nuint)i, step = (nuint)rows, w = (nuint)Vector256<float>.Count;
            for (int k = 0; k < depth; k++, offset += step)
            {
                Vector256<float> bk = Vector256.Create(b[k * columns + j]);
                s0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref pa, offset), bk, s0);
                s1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref pa, offset + w), bk, s1);
            }

            int width = Vector256<float>.Count;
            for (int t = 0; t < width; t++)
            {
                y[(i + t) * columns + j] = s0[t];
                y[(i + width + t) * columns + j] = s1[t];
            }
        }
    }
}
