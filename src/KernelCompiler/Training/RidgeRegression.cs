using System;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Threading;

namespace KernelCompiler.Training
{
    /// <summary>
    /// Ridge regression on the one-hot code matrix G (N × 16C) without building G: GᵀG counts how often two buckets
    /// occur in the same row, and GᵀY sums the rows of Y that fall in each bucket (docs/algorithm.md §4c).
    /// (GᵀG + λI) is symmetric positive definite for λ &gt; 0, so it is factored once (Cholesky, L Lᵀ) and never
    /// inverted. The factorisation and the solves are written here rather than taken from a library so that they
    /// check the cancellation token and report progress as they go (at C = 128 they are most of training), and so
    /// that their results do not depend on the machine: reductions run in a fixed order on 128-bit vectors, and
    /// element-wise updates never use fused multiply-adds.
    /// </summary>
    internal sealed class RidgeRegression
    {
        // Right-hand-side columns solved together: a block of X (16C × 32 doubles, 512 KiB at C = 128) stays in cache
        // while the factor streams past it.
        private const int SolveBlock = 32;

        private readonly double[] _factor;   // L, k × k row-major, lower triangle
        private readonly byte[] _codes;
        private readonly int _codebooks;
        private readonly int _k;

        /// <summary>Steps the constructor reports through its callback: one per 1024 rows counted, one per factor row.</summary>
        public static int ConstructionSteps(int rows, int codebooks) => (rows + 1023) / 1024 + codebooks * LutModel.BucketCount;

        /// <summary>Steps <see cref="Solve"/> reports for <paramref name="columns"/> right-hand sides.</summary>
        public static int SolveSteps(int columns) => 2 * ((columns + SolveBlock - 1) / SolveBlock);

        /// <param name="codes">N × C codes, row-major.</param>
        /// <param name="rows">N.</param>
        /// <param name="codebooks">C.</param>
        /// <param name="lambda">λ &gt; 0.</param>
        /// <param name="step">Called after each step (see <see cref="ConstructionSteps"/>).</param>
        /// <param name="cancellationToken">Checked every 1024 rows and every factor row.</param>
        public RidgeRegression(byte[] codes, int rows, int codebooks, double lambda, Action step, CancellationToken cancellationToken)
        {
            _codes = codes;
            _codebooks = codebooks;
            int k = _k = codebooks * LutModel.BucketCount;
            var a = new double[k * k];   // counts are exact in double far beyond any N
            for (int n = 0; n < rows; n++)
            {
                if ((n & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (n > 0) step();
                }

                ReadOnlySpan<byte> row = codes.AsSpan(n * codebooks, codebooks);
                for (int c1 = 0; c1 < codebooks; c1++)
                {
                    int i = c1 * LutModel.BucketCount + row[c1];
                    Span<double> line = a.AsSpan(i * k, k);
                    for (int c2 = 0; c2 < codebooks; c2++)
                    {
                        line[c2 * LutModel.BucketCount + row[c2]]++;
                    }
                }
            }

            step();
            for (int i = 0; i < k; i++)
            {
                a[i * k + i] += lambda;
            }

            // Cholesky–Banachiewicz, row by row: L[i][j] = (A[i][j] − L[i][0..j) · L[j][0..j)) / L[j][j].
            for (int i = 0; i < k; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Span<double> rowI = a.AsSpan(i * k, i + 1);
                for (int j = 0; j <= i; j++)
                {
                    ReadOnlySpan<double> rowJ = a.AsSpan(j * k, j);
                    double s = rowI[j] - Dot(rowI.Slice(0, j), rowJ);
                    if (j < i)
                    {
                        rowI[j] = s / a[j * k + j];
                    }
                    else
                    {
                        if (!(s > 0))
                        {
                            throw new InvalidOperationException("Internal error: the ridge system is not positive definite " +
                                "at row " + i + " (pivot " + s + ").");
                        }

                        rowI[i] = Math.Sqrt(s);
                    }
                }

                step();
            }

            _factor = a;
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
        /// <param name="gty">Gᵀ Y, 16C × <paramref name="columns"/>, row-major; not modified.</param>
        /// <param name="columns">Columns of Y.</param>
        /// <param name="step">Called after each step (see <see cref="SolveSteps"/>).</param>
        /// <param name="cancellationToken">Checked at every row of every block.</param>
        public double[] Solve(double[] gty, int columns, Action step, CancellationToken cancellationToken)
        {
            int k = _k;
            double[] l = _factor;
            var x = new double[k * columns];
            for (int start = 0; start < columns; start += SolveBlock)
            {
                int width = Math.Min(SolveBlock, columns - start);
                var block = new double[k * width];
                for (int i = 0; i < k; i++)
                {
                    gty.AsSpan(i * columns + start, width).CopyTo(block.AsSpan(i * width, width));
                }

                // L Z = B, forward: Z[i] = (B[i] − Σ_{j<i} L[i][j] Z[j]) / L[i][i].
                for (int i = 0; i < k; i++)
                {
                    if ((i & 63) == 0) cancellationToken.ThrowIfCancellationRequested();
                    Span<double> zi = block.AsSpan(i * width, width);
                    ReadOnlySpan<double> li = l.AsSpan(i * k, i);
                    for (int j = 0; j < i; j++)
                    {
                        if (li[j] != 0) SubtractScaled(zi, li[j], block.AsSpan(j * width, width));
                    }

                    Scale(zi, 1 / l[i * k + i]);
                }

                step();

                // Lᵀ X = Z, by columns of Lᵀ (rows of L): X[i] = Z[i] / L[i][i], then Z[j] −= L[i][j] X[i] for j < i.
                for (int i = k - 1; i >= 0; i--)
                {
                    if ((i & 63) == 0) cancellationToken.ThrowIfCancellationRequested();
                    Span<double> xi = block.AsSpan(i * width, width);
                    Scale(xi, 1 / l[i * k + i]);
                    ReadOnlySpan<double> li = l.AsSpan(i * k, i);
                    for (int j = 0; j < i; j++)
                    {
                        if (li[j] != 0) SubtractScaled(block.AsSpan(j * width, width), li[j], xi);
                    }
                }

                for (int i = 0; i < k; i++)
                {
                    block.AsSpan(i * width, width).CopyTo(x.AsSpan(i * columns + start, width));
                }

                step();
            }

            return x;
        }

        // a · b summed in a fixed order (two 128-bit accumulators, then the lanes, then the tail), so the result is
        // the same on every machine.
        private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            Vector128<double> s0 = Vector128<double>.Zero, s1 = Vector128<double>.Zero;
            int i = 0;
            for (; i + 4 <= a.Length; i += 4)
            {
                s0 += Vector128.Create(a.Slice(i, 2)) * Vector128.Create(b.Slice(i, 2));
                s1 += Vector128.Create(a.Slice(i + 2, 2)) * Vector128.Create(b.Slice(i + 2, 2));
            }

            Vector128<double> s = s0 + s1;
            double sum = s.GetElement(0) + s.GetElement(1);
            for (; i < a.Length; i++)
            {
                sum += a[i] * b[i];
            }

            return sum;
        }

        // y −= a · x, element by element (the same result whatever the vector width).
        private static void SubtractScaled(Span<double> y, double a, ReadOnlySpan<double> x)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var va = new Vector<double>(a);
                for (; i + Vector<double>.Count <= y.Length; i += Vector<double>.Count)
                {
                    var vy = new Vector<double>(y.Slice(i));
                    (vy - va * new Vector<double>(x.Slice(i))).CopyTo(y.Slice(i));
                }
            }

            for (; i < y.Length; i++)
            {
                y[i] -= a * x[i];
            }
        }

        private static void Scale(Span<double> y, double factor)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] *= factor;
            }
        }
    }
}
