using System;
using System.Numerics.Tensors;

namespace KernelCompiler.Blas
{
    /// <summary>
    /// The best managed exact float32 product: TensorPrimitives SIMD loops, one thread, no allocation. The comparison
    /// when OpenBLAS is absent, and a second baseline beside it.
    /// </summary>
    internal static class DenseProduct
    {
        /// <summary>The name reports give this engine.</summary>
        public const string Engine = "TensorPrimitives dense product, float32, 1 thread";

        // Column-major A is processed this many rows at a time, so every partial sum stays in L1.
        private const int Tile = 256;

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
        /// <paramref name="bTransposed"/> (columns × depth): one SIMD dot product per output. Column-major A
        /// (depth × rows) takes <paramref name="b"/> (depth × columns): per tile of rows, one SIMD multiply-add of a
        /// row of A per depth index and output column.
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
                for (int r = 0; r < rows; r++)
                {
                    ReadOnlySpan<float> x = a.Slice(r * depth, depth);
                    Span<float> y = destination.Slice(r * columns, columns);
                    for (int j = 0; j < columns; j++)
                    {
                        y[j] = TensorPrimitives.Dot(x, bTransposed.Slice(j * depth, depth));
                    }
                }

                return;
            }

            if (b.Length < depth * columns) throw new ArgumentException("B is shorter than depth × columns.", nameof(b));
            Span<float> sums = stackalloc float[Tile];
            for (int start = 0; start < rows; start += Tile)
            {
                int count = Math.Min(Tile, rows - start);
                Span<float> acc = sums.Slice(0, count);
                for (int j = 0; j < columns; j++)
                {
                    acc.Clear();
                    for (int k = 0; k < depth; k++)
                    {
                        TensorPrimitives.MultiplyAdd(a.Slice(k * rows + start, count), b[k * columns + j], acc, acc);
                    }

                    for (int i = 0; i < count; i++)
                    {
                        destination[(start + i) * columns + j] = acc[i];
                    }
                }
            }
        }
    }
}
