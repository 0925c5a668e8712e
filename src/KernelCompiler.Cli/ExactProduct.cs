using System;
using System.Numerics.Tensors;

namespace KernelCompiler.Cli
{
    /// <summary>The exact product A · B (+ bias) that an approximation is judged and timed against.</summary>
    internal static class ExactProduct
    {
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

        /// <summary>The timed exact product: <paramref name="multiply"/> (an engine with B bound in), then the bias added
        /// row by row, as the kernel adds it.</summary>
        public static void WithBias(Blas.ExactMultiply multiply, ReadOnlySpan<float> a, int rows, int m, ReadOnlySpan<float> bias,
            Span<float> destination)
        {
            multiply(a, rows, false, destination);
            if (bias.IsEmpty) return;
            for (int r = 0; r < rows; r++)
            {
                Span<float> y = destination.Slice(r * m, m);
                TensorPrimitives.Add(y, bias, y);
            }
        }
    }
}
