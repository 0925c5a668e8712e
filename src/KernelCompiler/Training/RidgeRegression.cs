using System;
using System.Threading;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace KernelCompiler.Training
{
    /// <summary>
    /// Ridge regression on the one-hot code matrix G (N × 16C) without building G: GᵀG counts how often two buckets
    /// occur in the same row, and GᵀY sums the rows of Y that fall in each bucket (MADDNESS.md §4c).
    /// (GᵀG + λI) is symmetric positive definite for λ &gt; 0, so it is factored once (Cholesky) and never inverted.
    /// </summary>
    internal sealed class RidgeRegression
    {
        private readonly Cholesky<double> _factor;
        private readonly byte[] _codes;
        private readonly int _codebooks;

        /// <param name="codes">N × C codes, row-major.</param>
        /// <param name="rows">N.</param>
        /// <param name="codebooks">C.</param>
        /// <param name="lambda">λ &gt; 0.</param>
        /// <param name="cancellationToken">Checked every 4096 rows.</param>
        public RidgeRegression(byte[] codes, int rows, int codebooks, double lambda, CancellationToken cancellationToken)
        {
            _codes = codes;
            _codebooks = codebooks;
            int k = codebooks * LutModel.BucketCount;
            var counts = new long[k * k];
            for (int n = 0; n < rows; n++)
            {
                if ((n & 4095) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ReadOnlySpan<byte> row = codes.AsSpan(n * codebooks, codebooks);
                for (int c1 = 0; c1 < codebooks; c1++)
                {
                    int i = c1 * LutModel.BucketCount + row[c1];
                    Span<long> line = counts.AsSpan(i * k, k);
                    for (int c2 = 0; c2 < codebooks; c2++)
                    {
                        line[c2 * LutModel.BucketCount + row[c2]]++;
                    }
                }
            }

            Matrix<double> gram = Matrix<double>.Build.Dense(k, k, (i, j) => counts[i * k + j] + (i == j ? lambda : 0));
            _factor = gram.Cholesky();
        }

        /// <summary>Adds row <paramref name="row"/> of Y to the rows of <c>Gᵀ Y</c> (16C × columns, row-major) that
        /// its codes select.</summary>
        public void Accumulate(int row, ReadOnlySpan<double> values, Span<double> gty)
        {
            int columns = values.Length;
            ReadOnlySpan<byte> codes = _codes.AsSpan(row * _codebooks, _codebooks);
            for (int c = 0; c < _codebooks; c++)
            {
                Span<double> target = gty.Slice((c * LutModel.BucketCount + codes[c]) * columns, columns);
                for (int j = 0; j < columns; j++)
                {
                    target[j] += values[j];
                }
            }
        }

        /// <summary><c>(GᵀG + λI)⁻¹ Gᵀ Y</c>, 16C × <paramref name="columns"/>, row-major.</summary>
        public double[] Solve(double[] gty, int columns)
        {
            int k = _codebooks * LutModel.BucketCount;
            Matrix<double> rhs = Matrix<double>.Build.Dense(k, columns, (i, j) => gty[i * columns + j]);
            return _factor.Solve(rhs).ToRowMajorArray();
        }
    }
}
