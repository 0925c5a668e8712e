using System;
using System.Threading;
using System.Threading.Tasks;

namespace KernelCompiler.Training
{
    /// <summary>One codebook's learned tree: the split column of each level (relative to the codebook's block) and
    /// the 15 thresholds level by level.</summary>
    internal sealed class HashTree
    {
        public HashTree(int[] splitColumns, float[] thresholds)
        {
            SplitColumns = splitColumns;
            Thresholds = thresholds;
        }

        public int[] SplitColumns { get; }

        public float[] Thresholds { get; }
    }

    /// <summary>
    /// Grows the greedy depth-4 hash trees of docs/algorithm.md §4b, one codebook at a time, on that codebook's block of
    /// columns only. A candidate column is sorted once per tree (A does not change) and every level distributes that
    /// order over the current buckets in a stable pass, so each bucket's rows arrive sorted without sorting again.
    /// Candidates are scored in parallel into separate slots and reduced in a fixed order, so the result never
    /// depends on scheduling.
    /// </summary>
    internal sealed class HashTreeBuilder
    {
        private const int Candidates = 4;

        private readonly int _rows;
        private readonly byte[] _node;
        private readonly int[][] _sortedRows;
        private readonly float[][] _sortedKeys;
        private readonly bool[] _sorted;
        private readonly int[][] _bucketRows;
        private readonly float[][] _bucketKeys;
        private readonly uint[][] _sortScratch;

        /// <param name="rows">N, the training rows.</param>
        /// <param name="maxWidth">The widest block any tree will be grown on.</param>
        public HashTreeBuilder(int rows, int maxWidth)
        {
            _rows = rows;
            _node = new byte[rows];
            _sortedRows = new int[maxWidth][];
            _sortedKeys = new float[maxWidth][];
            _sorted = new bool[maxWidth];
            _bucketRows = new int[Candidates][];
            _bucketKeys = new float[Candidates][];
            _sortScratch = new uint[Candidates][];
            for (int i = 0; i < Candidates; i++)
            {
                _bucketRows[i] = new int[rows];
                _bucketKeys[i] = new float[rows];
                _sortScratch[i] = new uint[rows];
            }
        }

        /// <summary>The bucket (0..2^level − 1, then the final code 0..15) each row reached while growing.</summary>
        public ReadOnlySpan<byte> Nodes => _node;

        /// <summary>Grows one tree.</summary>
        /// <param name="a">A on the block's columns, N × <paramref name="width"/> row-major: what the tree splits on.</param>
        /// <param name="residual">R on the block's columns, N × <paramref name="width"/> row-major: what the splits
        /// are scored on (not modified).</param>
        /// <param name="width">Columns in the block.</param>
        /// <param name="cancellationToken">Checked at every level.</param>
        public HashTree Grow(float[] a, double[] residual, int width, CancellationToken cancellationToken)
        {
            var splitColumns = new int[LutModel.TreeDepth];
            var thresholds = new float[LutModel.ThresholdsPerCodebook];
            Array.Clear(_node);
            Array.Clear(_sorted);
            int candidateCount = Math.Min(Candidates, width);
            var candidates = new int[candidateCount];
            var splits = new BucketSplit[candidateCount][];
            var losses = new double[candidateCount];
            var parallel = new ParallelOptions { CancellationToken = cancellationToken };
            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int buckets = 1 << level;
                int[] counts = CountRows(buckets);
                ChooseCandidates(residual, width, buckets, counts, candidates);
                Parallel.For(0, candidateCount, parallel, i =>
                {
                    splits[i] = ScoreCandidate(i, candidates[i], a, residual, width, buckets, counts, out losses[i]);
                });

                int best = 0;
                for (int i = 1; i < candidateCount; i++)
                {
                    if (losses[i] < losses[best])
                    {
                        best = i;
                    }
                }

                splitColumns[level] = candidates[best];
                for (int b = 0; b < buckets; b++)
                {
                    thresholds[buckets - 1 + b] = splits[best][b].Threshold;
                }

                Descend(a, width, candidates[best], splits[best], thresholds.AsSpan(buckets - 1, buckets), counts);
            }

            return new HashTree(splitColumns, thresholds);
        }

        private int[] CountRows(int buckets)
        {
            var counts = new int[buckets];
            foreach (byte b in _node)
            {
                counts[b]++;
            }

            return counts;
        }

        // The min(4, width) block columns with the largest within-bucket SSE of R, summed over the buckets; ties go to
        // the lower column.
        private void ChooseCandidates(double[] residual, int width, int buckets, int[] counts, int[] candidates)
        {
            var sums = new double[buckets * width];
            var squares = new double[width];
            for (int n = 0; n < _rows; n++)
            {
                ReadOnlySpan<double> r = residual.AsSpan(n * width, width);
                Span<double> s = sums.AsSpan(_node[n] * width, width);
                for (int j = 0; j < width; j++)
                {
                    double v = r[j];
                    s[j] += v;
                    squares[j] += v * v;
                }
            }

            var sse = new double[width];
            for (int j = 0; j < width; j++)
            {
                double between = 0;
                for (int b = 0; b < buckets; b++)
                {
                    if (counts[b] > 0)
                    {
                        double s = sums[b * width + j];
                        between += s * s / counts[b];
                    }
                }

                sse[j] = squares[j] - between;
            }

            var taken = new bool[width];
            for (int i = 0; i < candidates.Length; i++)
            {
                int best = -1;
                for (int j = 0; j < width; j++)
                {
                    if (!taken[j] && (best < 0 || sse[j] > sse[best]))
                    {
                        best = j;
                    }
                }

                taken[best] = true;
                candidates[i] = best;
            }
        }

        private BucketSplit[] ScoreCandidate(int slot, int column, float[] a, double[] residual, int width, int buckets,
            int[] counts, out double loss)
        {
            EnsureSorted(slot, a, width, column);
            int[] order = _sortedRows[column];
            float[] keys = _sortedKeys[column];
            int[] rows = _bucketRows[slot];
            float[] bucketKeys = _bucketKeys[slot];

            // Stable distribution of the column's order over the buckets: each bucket's rows come out sorted.
            var cursor = new int[buckets];
            for (int b = 1; b < buckets; b++)
            {
                cursor[b] = cursor[b - 1] + counts[b - 1];
            }

            for (int i = 0; i < _rows; i++)
            {
                int row = order[i];
                int at = cursor[_node[row]]++;
                rows[at] = row;
                bucketKeys[at] = keys[i];
            }

            var splits = new BucketSplit[buckets];
            var scratch = new double[2 * width];
            loss = 0;
            for (int b = 0, first = 0; b < buckets; first += counts[b], b++)
            {
                splits[b] = BucketSplitter.BestCut(bucketKeys.AsSpan(first, counts[b]), rows.AsSpan(first, counts[b]),
                    residual, width, scratch);
                loss += splits[b].Loss;
            }

            return splits;
        }

        // Called for distinct columns from parallel candidates: each writes only its own column's and slot's arrays
        // (the slot's bucket arrays serve as sort scratch before they are filled).
        private void EnsureSorted(int slot, float[] a, int width, int column)
        {
            if (_sorted[column])
            {
                return;
            }

            float[] keys = _sortedKeys[column] ??= new float[_rows];
            int[] rows = _sortedRows[column] ??= new int[_rows];
            for (int n = 0; n < _rows; n++)
            {
                keys[n] = a[n * width + column];
                rows[n] = n;
            }

            FloatRadixSort.Sort(keys, rows, _sortScratch[slot], _bucketRows[slot]);
            _sorted[column] = true;
        }

        // Sends every row down one level by the encoder's rule (x ≥ t goes right) and checks that each split bucket
        // sends right exactly the rows its cut was scored with.
        private void Descend(float[] a, int width, int column, BucketSplit[] splits, ReadOnlySpan<float> thresholds, int[] counts)
        {
            var right = new int[splits.Length];
            for (int n = 0; n < _rows; n++)
            {
                int b = _node[n];
                int bit = a[n * width + column] >= thresholds[b] ? 1 : 0;
                right[b] += bit;
                _node[n] = (byte)(2 * b + bit);
            }

            for (int b = 0; b < splits.Length; b++)
            {
                if (splits[b].Splits && right[b] != counts[b] - splits[b].LeftCount)
                {
                    throw new InvalidOperationException("Internal error: the threshold " + splits[b].Threshold +
                        " of block column " + column + " sends " + right[b] + " rows right, but the scored cut sends " +
                        (counts[b] - splits[b].LeftCount) + ".");
                }
            }
        }
    }
}
