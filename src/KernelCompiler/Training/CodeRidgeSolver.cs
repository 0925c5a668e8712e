using System;
using System.Runtime.Intrinsics;
using System.Threading;
using System.Threading.Tasks;

namespace KernelCompiler.Training
{
    /// <summary>
    /// The ridge system of table fitting, <c>(GᵀG + λI) T = Gᵀ Y</c> on the one-hot codes G (N × 16C), solved by a
    /// blocked Cholesky factorisation written for the size teacher fitting reaches (16C = 4096 at C = 256, where an
    /// unblocked factorisation takes minutes). Every entry is computed by the same dot products in the same order
    /// whatever the thread count or the CPU (256-bit vectors, multiply then add, never fused), so the result is
    /// deterministic; work is split over rows or right-hand-side blocks that write disjoint entries. The token is
    /// checked at every block, well within a second at any supported size.
    /// </summary>
    internal sealed class CodeRidgeSolver
    {
        // Columns of a factorisation panel: a row's panel segment (512 bytes) is one contiguous run.
        private const int Panel = 64;

        // Right-hand sides solved together: 16C × 16 doubles (512 KiB at C = 256) stay in cache while L streams past.
        private const int SolveBlock = 16;

        private readonly double[] _l;   // k × k row-major; the lower triangle holds L
        private readonly byte[] _codes;
        private readonly int _codebooks;
        private readonly int _k;

        /// <param name="codes">N × C codes, row-major.</param>
        /// <param name="rows">N.</param>
        /// <param name="codebooks">C.</param>
        /// <param name="lambda">λ &gt; 0.</param>
        /// <param name="cancellationToken">Checked at every pair of codebooks and at every panel.</param>
        public CodeRidgeSolver(byte[] codes, int rows, int codebooks, double lambda, CancellationToken cancellationToken)
        {
            _codes = codes;
            _codebooks = codebooks;
            int k = _k = codebooks * LutModel.BucketCount;
            var a = new double[(long)k * k];

            // GᵀG, lower triangle only, one 16 × 16 block per pair of codebooks c2 ≤ c1: the codes are transposed so
            // a pair reads two contiguous columns, and each block is counted in a small local array (scattering the
            // counts of a row over the whole k × k matrix misses the cache at every increment).
            var columns = new byte[codes.Length];
            for (int n = 0; n < rows; n++)
            {
                for (int c = 0; c < codebooks; c++)
                {
                    columns[c * rows + n] = codes[n * codebooks + c];
                }
            }

            Parallel.For(0, codebooks, new ParallelOptions { CancellationToken = cancellationToken }, c1 =>
            {
                const int b = LutModel.BucketCount;
                Span<int> block = stackalloc int[b * b];
                ReadOnlySpan<byte> first = columns.AsSpan(c1 * rows, rows);
                for (int c2 = 0; c2 <= c1; c2++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    block.Clear();
                    ReadOnlySpan<byte> second = columns.AsSpan(c2 * rows, rows);
                    for (int n = 0; n < rows; n++)
                    {
                        block[first[n] * b + second[n]]++;
                    }

                    for (int i = 0; i < b; i++)
                    {
                        long line = (long)(c1 * b + i) * k + c2 * b;
                        for (int j = 0; j < b; j++)
                        {
                            a[line + j] = block[i * b + j];
                        }
                    }
                }
            });

            for (int i = 0; i < k; i++)
            {
                a[(long)i * k + i] += lambda;
            }

            Factor(a, k, cancellationToken);
            _l = a;
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
        /// <param name="cancellationToken">Checked every 64 rows of every block.</param>
        public double[] Solve(double[] gty, int columns, CancellationToken cancellationToken)
        {
            int k = _k;
            double[] l = _l;
            var x = new double[k * columns];
            int blocks = (columns + SolveBlock - 1) / SolveBlock;
            Parallel.For(0, blocks, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                int start = b * SolveBlock, width = Math.Min(SolveBlock, columns - start);
                var z = new double[k * width];
                for (int i = 0; i < k; i++)
                {
                    gty.AsSpan(i * columns + start, width).CopyTo(z.AsSpan(i * width, width));
                }

                // L Z = B, forward: Z[i] = (B[i] − Σ_{j<i} L[i][j] Z[j]) / L[i][i].
                for (int i = 0; i < k; i++)
                {
                    if ((i & 63) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    Span<double> zi = z.AsSpan(i * width, width);
                    ReadOnlySpan<double> li = l.AsSpan(i * k, i);
                    for (int j = 0; j < i; j++)
                    {
                        if (li[j] != 0)
                        {
                            SubtractScaled(zi, li[j], z.AsSpan(j * width, width));
                        }
                    }

                    Scale(zi, 1 / l[(long)i * k + i]);
                }

                // Lᵀ X = Z, backward by rows of L: X[i] = Z[i] / L[i][i], then Z[j] −= L[i][j] X[i] for j < i.
                for (int i = k - 1; i >= 0; i--)
                {
                    if ((i & 63) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    Span<double> xi = z.AsSpan(i * width, width);
                    Scale(xi, 1 / l[(long)i * k + i]);
                    ReadOnlySpan<double> li = l.AsSpan(i * k, i);
                    for (int j = 0; j < i; j++)
                    {
                        if (li[j] != 0)
                        {
                            SubtractScaled(z.AsSpan(j * width, width), li[j], xi);
                        }
                    }
                }

                for (int i = 0; i < k; i++)
                {
                    z.AsSpan(i * width, width).CopyTo(x.AsSpan(i * columns + start, width));
                }
            });

            return x;
        }

        // Right-looking blocked Cholesky in place on the lower triangle of a (k × k, row-major): for each panel of 64
        // columns, factor its diagonal block, solve the rows below it, then subtract the panel's outer product from
        // the trailing lower triangle. Each entry's updates arrive panel by panel in the same order on any machine.
        private static void Factor(double[] a, int k, CancellationToken cancellationToken)
        {
            for (int p = 0; p < k; p += Panel)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int end = Math.Min(p + Panel, k), width = end - p;
                for (int i = p; i < end; i++)
                {
                    for (int j = p; j <= i; j++)
                    {
                        double s = a[(long)i * k + j] - Dot(a.AsSpan(i * k + p, j - p), a.AsSpan(j * k + p, j - p));
                        if (j < i)
                        {
                            a[(long)i * k + j] = s / a[(long)j * k + j];
                        }
                        else if (s > 0)
                        {
                            a[(long)i * k + i] = Math.Sqrt(s);
                        }
                        else
                        {
                            throw new InvalidOperationException("Internal error: the ridge system is not positive " +
                                "definite at row " + i + " (pivot " + s + ").");
                        }
                    }
                }

                if (end == k)
                {
                    break;
                }

                var options = new ParallelOptions { CancellationToken = cancellationToken };
                Parallel.For(end, k, options, i =>
                {
                    for (int j = p; j < end; j++)
                    {
                        double s = a[(long)i * k + j] - Dot(a.AsSpan(i * k + p, j - p), a.AsSpan(j * k + p, j - p));
                        a[(long)i * k + j] = s / a[(long)j * k + j];
                    }
                });

                // Rows in chunks so a worker reuses the panel rows it reads from cache.
                int chunks = (k - end + 31) / 32;
                Parallel.For(0, chunks, options, chunk =>
                {
                    int first = end + chunk * 32, last = Math.Min(first + 32, k);
                    for (int i = first; i < last; i++)
                    {
                        ReadOnlySpan<double> li = a.AsSpan(i * k + p, width);
                        Span<double> row = a.AsSpan(i * k, i + 1);
                        for (int j = end; j <= i; j++)
                        {
                            row[j] -= Dot(li, a.AsSpan(j * k + p, width));
                        }
                    }
                });
            }
        }

        // a · b in a fixed order: four 256-bit accumulators, combined pairwise, then the lanes, then the tail.
        private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
            int i = 0;
            for (; i + 16 <= a.Length; i += 16)
            {
                s0 += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
                s1 += Vector256.Create(a.Slice(i + 4, 4)) * Vector256.Create(b.Slice(i + 4, 4));
                s2 += Vector256.Create(a.Slice(i + 8, 4)) * Vector256.Create(b.Slice(i + 8, 4));
                s3 += Vector256.Create(a.Slice(i + 12, 4)) * Vector256.Create(b.Slice(i + 12, 4));
            }

            for (; i + 4 <= a.Length; i += 4)
            {
                s0 += Vector256.Create(a.Slice(i, 4)) * Vector256.Create(b.Slice(i, 4));
            }

            Vector256<double> s = (s0 + s1) + (s2 + s3);
            double sum = (s.GetElement(0) + s.GetElement(1)) + (s.GetElement(2) + s.GetElement(3));
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
            var va = Vector256.Create(a);
            for (; i + 4 <= y.Length; i += 4)
            {
                (Vector256.Create((ReadOnlySpan<double>)y.Slice(i, 4)) - va * Vector256.Create(x.Slice(i, 4))).CopyTo(y.Slice(i, 4));
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
