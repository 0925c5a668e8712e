using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace KernelCompiler.Training
{
    /// <summary>The best cut of one bucket along one candidate column (docs/algorithm.md §4b).</summary>
    /// <param name="Splits">Whether a cut exists: false for fewer than 2 rows or when every value is equal.</param>
    /// <param name="LeftCount">Rows (in ascending order of the candidate column) that go left.</param>
    /// <param name="Threshold">The threshold that sends exactly the rows after <paramref name="LeftCount"/> right
    /// under the encoder's rule x ≥ t; <see cref="float.MaxValue"/> when the bucket is not split.</param>
    /// <param name="Loss">SSE(left) + SSE(right) of the residual over the block's columns, or the bucket's own SSE
    /// when it is not split.</param>
    internal readonly record struct BucketSplit(bool Splits, int LeftCount, float Threshold, double Loss);

    /// <summary>
    /// Scores every cut of a bucket in one pass. The rows arrive sorted by the candidate column; the running sums of
    /// the residual give the left side's SSE, and since the right side's sums are the totals minus the left's, one
    /// pass covers both sides: SSE(L) + SSE(R) = Σ r² − |ΣL r|² / nL − |ΣR r|² / nR. Sums are in double, four
    /// columns at a time with separate multiplies and adds (no fused multiply-add) and the lanes combined in a
    /// fixed order, so the result is the same bit for bit on every machine, accelerated or not.
    /// </summary>
    internal static class BucketSplitter
    {
        /// <summary>Finds the cut with the lowest loss; ties go to the earliest cut. Cuts fall only between distinct
        /// values, since equal values cannot be separated by a threshold.</summary>
        /// <param name="sortedKeys">The candidate column's values of the bucket's rows, ascending.</param>
        /// <param name="sortedRows">The rows in the same order (row indices into <paramref name="block"/>).</param>
        /// <param name="block">The residual on the block's columns, N × <paramref name="width"/> row-major.</param>
        /// <param name="width">Columns in the block.</param>
        /// <param name="scratch">At least 2 × <paramref name="width"/> doubles.</param>
        public static BucketSplit BestCut(ReadOnlySpan<float> sortedKeys, ReadOnlySpan<int> sortedRows,
            ReadOnlySpan<double> block, int width, Span<double> scratch)
        {
            int n = sortedKeys.Length;
            Span<double> total = scratch.Slice(0, width);
            Span<double> left = scratch.Slice(width, width);
            total.Clear();
            left.Clear();
            double squares = 0;
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<double> r = block.Slice(sortedRows[i] * width, width);
                for (int j = 0; j < width; j++)
                {
                    double v = r[j];
                    total[j] += v;
                    squares += v * v;
                }
            }

            double unsplit = n == 0 ? 0 : squares - Norm(total) / n;
            if (n < 2 || sortedKeys[0] == sortedKeys[n - 1])
            {
                return new BucketSplit(false, n, float.MaxValue, unsplit);
            }

            double bestLoss = double.PositiveInfinity;
            int bestLeft = -1;
            for (int i = 0; i < n - 1; i++)
            {
                (double leftNorm, double rightNorm) = Accumulate(left, total, block.Slice(sortedRows[i] * width, width));
                if (sortedKeys[i] < sortedKeys[i + 1])
                {
                    int nl = i + 1;
                    double loss = squares - leftNorm / nl - rightNorm / (n - nl);
                    if (loss < bestLoss)
                    {
                        bestLoss = loss;
                        bestLeft = nl;
                    }
                }
            }

            return new BucketSplit(true, bestLeft, Threshold(sortedKeys[bestLeft - 1], sortedKeys[bestLeft]), bestLoss);
        }

        /// <summary>
        /// The midpoint of two neighbouring values <paramref name="below"/> &lt; <paramref name="above"/>, such that
        /// below &lt; t ≤ above, so x ≥ t sends exactly the values from <paramref name="above"/> up right. The
        /// midpoint of two adjacent floats rounds to one of them; when it rounds down to <paramref name="below"/>,
        /// <paramref name="above"/> itself is the threshold.
        /// </summary>
        public static float Threshold(float below, float above)
        {
            float t = (float)(((double)below + above) * 0.5);
            return t > below ? t : above;
        }

        private static double Norm(ReadOnlySpan<double> v)
        {
            double sum = 0;
            foreach (double x in v)
            {
                sum += x * x;
            }

            return sum;
        }

        // left += r; returns (|left|², |total − left|²).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static (double Left, double Right) Accumulate(Span<double> left, ReadOnlySpan<double> total, ReadOnlySpan<double> r)
        {
            int width = left.Length, j = 0;
            double leftNorm = 0, rightNorm = 0;
            if (width >= Vector256<double>.Count)
            {
                ref double l = ref MemoryMarshal.GetReference(left);
                ref double t = ref MemoryMarshal.GetReference(total);
                ref double x = ref MemoryMarshal.GetReference(r);
                Vector256<double> ln = Vector256<double>.Zero, rn = Vector256<double>.Zero;
                for (; j <= width - Vector256<double>.Count; j += Vector256<double>.Count)
                {
                    Vector256<double> sum = Vector256.LoadUnsafe(ref l, (nuint)j) + Vector256.LoadUnsafe(ref x, (nuint)j);
                    sum.StoreUnsafe(ref l, (nuint)j);
                    Vector256<double> rest = Vector256.LoadUnsafe(ref t, (nuint)j) - sum;
                    ln += sum * sum;
                    rn += rest * rest;
                }

                leftNorm = (ln.GetElement(0) + ln.GetElement(1)) + (ln.GetElement(2) + ln.GetElement(3));
                rightNorm = (rn.GetElement(0) + rn.GetElement(1)) + (rn.GetElement(2) + rn.GetElement(3));
            }

            for (; j < width; j++)
            {
                double sum = left[j] + r[j];
                left[j] = sum;
                double rest = total[j] - sum;
                leftNorm += sum * sum;
                rightNorm += rest * rest;
            }

            return (leftNorm, rightNorm);
        }
    }
}
