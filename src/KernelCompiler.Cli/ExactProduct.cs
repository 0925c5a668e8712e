using System;
using System.Numerics.Tensors;

namespace KernelCompiler.Cli
{
    /// <summary>The exact product A · B (+ bias) that an approximation is judged and timed against.</summary>
    internal static class ExactProduct
    {
        /// <summary>The name eval reports for the timed exact engine.</summary>
        public const string EngineName = "TensorPrimitives.Dot, float32, B transposed, 1 thread";

        /// <summary>A · B + bias accumulated in double: the reference for error and accuracy, free of float32
        /// rounding in long sums.</summary>
        public static double[] InDouble(Matrix a, Matrix b, ReadOnlySpan<float> bias)
        {
            int n = a.Rows, d = a.Columns, m = b.Columns;
            var y = new double[(long)n * m];
            var row = new double[m];
            for (int r = 0; r < n; r++)
            {
                for (int j = 0; j < m; j++) row[j] = bias.IsEmpty ? 0 : bias[j];
                ReadOnlySpan<float> x = a.Values.AsSpan(r * d, d);
                for (int k = 0; k < d; k++)
                {
                    double xk = x[k];
                    if (xk == 0) continue;
                    ReadOnlySpan<float> bk = b.Values.AsSpan(k * m, m);
                    for (int j = 0; j < m; j++) row[j] += xk * bk[j];
                }

                row.CopyTo(y, r * m);
            }

            return y;
        }

        /// <summary>B (D × M) transposed to M × D, so every output column is one contiguous vector.</summary>
        public static float[] Transpose(Matrix b)
        {
            var t = new float[b.Values.Length];
            for (int k = 0; k < b.Rows; k++)
                for (int j = 0; j < b.Columns; j++)
                    t[j * b.Rows + k] = b.Values[k * b.Columns + j];
            return t;
        }

        /// <summary>The float32 engine that eval times: one SIMD dot product per row and output.</summary>
        public static void InSingle(ReadOnlySpan<float> a, int rows, ReadOnlySpan<float> bTransposed, int d, int m,
            ReadOnlySpan<float> bias, Span<float> destination)
        {
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> x = a.Slice(r * d, d);
                Span<float> y = destination.Slice(r * m, m);
                for (int j = 0; j < m; j++)
                {
                    y[j] = TensorPrimitives.Dot(x, bTransposed.Slice(j * d, d)) + (bias.IsEmpty ? 0f : bias[j]);
                }
            }
        }
    }
}
