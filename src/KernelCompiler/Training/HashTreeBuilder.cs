using System;
using System.Threading;
using System.Threading.Tasks;

namespace KernelCompiler.Training
{
    /// <summary>One codebook's learned tree: the split column of each level and the 15 thresholds level by level.</summary>
    internal sealed class HashTree
    {
        public HashTree(int[] splitDimensions, float[] thresholds)
        {
            SplitDimensions = splitDimensions;
            Thresholds = thresholds;
        }

        public int[] SplitDimensions { get; }

        public float[] Thresholds { get; }
    }

    /// <summary>
    /// Grows the greedy depth-4 hash trees of MADDNESS.md §4b on the residual, one codebook at a time. Each column's
    /// sort order is computed once (A does not change) and every level distributes it over the current buckets in a
    /// stable pass, so a bucket's rows arrive sorted without sorting them again. Candidates are scored in parallel
    /// into separate slots and reduced in a fixed order, so the result never depends on scheduling.
    /// </summary>
    internal sealed class HashTreeBuilder
    {
        private const int Candidates = 4;

        private readonly float[] _a;
        private readonly int _rows;
        private readonly int _dimension;
        private readonly byte[] _node;
        private readonly int[][] _sortedRows;
        private readonly float[][] _sortedKeys;
        private readonly int[][] _bucketRows;
        private readonly float[][] _bucketKeys;

        public HashTreeBuilder(float[] a, int rows, int dimension)
        {
            _a = a;
            _rows = rows;
            _dimension = dimension;
            _node = new byte[rows];
            _sortedRows = new int[dimension][];
            _sortedKeys = new float[dimension][];
            _bucketRows = new int[Candidates][];
            _bucketKeys = new float[Candidates][];
            for (int i = 0; i < Candidates; i++)
            {
                _bucketRows[i] = new int[rows];
                _bucketKeys[i] = new float[rows];
            }
        }

        /// <summary>The bucket (0..2^level − 1, then the final code 0..15) each row reached while growing.</summary>
        public ReadOnlySpan<byte> Nodes => _node;

        /// <summary>Grows the tree of the block [<paramref name="start"/>, start + width) on the residual
        /// <paramref name="residual"/> (N × D, row-major; not modified).</summary>
        public HashTree Grow(float[] residual, int start, int width, CancellationToken cancellationToken)
        {
            var splitDimensions = new int[LutModel.TreeDepth];
            var thresholds = new float[LutModel.ThresholdsPerCodebook];
            Array.Clear(_node);
            int candidateCount = Math.Min(Candidates, width);
            var candidates = new int[candidateCount];
            var splits = new BucketSplit[candidateCount][];
            var losses = new double[candidateCount];
            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int buckets = 1 << level;
                int[] counts = CountRows(buckets);
                ChooseCandidates(residual, start, width, buckets, counts, candidates);
                var parallel = new ParallelOptions { CancellationToken = cancellationToken };
                Parallel.For(0, candidateCount, parallel, i =>
                {
                    splits[i] = ScoreCandidate(i, candidates[i], residual, start, width, buckets, counts, out losses[i]);
                });

                int best = 0;
                for (int i = 1; i < candidateCount; i++)
                {
                    if (losses[i] < losses[best])
                    {
                        best = i;
                    }
                }

                int dim = candidates[best];
                splitDimensions[level] = dim;
                for (int b = 0; b < buckets; b++)
                {
                    thresholds[buckets - 1 + b] = splits[best][b].Threshold;
                }

                Descend(dim, splits[best], thresholds.AsSpan(buckets - 1, buckets), counts);
            }

            // Each column belongs to one block only: its sort order is not needed again.
            for (int j = start; j < start + width; j++)
            {
                _sortedRows[j] = null!;
                _sortedKeys[j] = null!;
            }

            return new HashTree(splitDimensions, thresholds);
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
        private void ChooseCandidates(float[] residual, int start, int width, int buckets, int[] counts, int[] candidates)
        {
            var sums = new double[buckets * width];
            var squares = new double[width];
            for (int n = 0; n < _rows; n++)
            {
                ReadOnlySpan<float> r = residual.AsSpan(n * _dimension + start, width);
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
                candidates[i] = start + best;
            }
        }

        private BucketSplit[] ScoreCandidate(int slot, int dim, float[] residual, int start, int width, int buckets,
            int[] counts, out double loss)
        {
            EnsureSorted(dim);
            int[] order = _sortedRows[dim];
            float[] keys = _sortedKeys[dim];
            int[] rows = _bucketRows[slot];
            float[] bucketKeys = _bucketKeys[slot];

            // Stable distribution of the column's global order over the buckets: each bucket's rows come out sorted.
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
                    residual, _dimension, start, width, scratch);
                loss += splits[b].Loss;
            }

            return splits;
        }

        private void EnsureSorted(int dim)
        {
            if (_sortedRows[dim] is not null)
            {
                return;
            }

            var keys = new float[_rows];
            var rows = new int[_rows];
            for (int n = 0; n < _rows; n++)
            {
                keys[n] = _a[n * _dimension + dim];
                rows[n] = n;
            }

            // Unstable, but deterministic for the same input; rows with equal keys are never separated by a cut.
            Array.Sort(keys, rows);
            _sortedKeys[dim] = keys;
            _sortedRows[dim] = rows;
        }

        // Sends every row down one level by the encoder's rule (x ≥ t goes right) and checks that each split bucket
        // sends right exactly the rows its cut was scored with.
        private void Descend(int dim, BucketSplit[] splits, ReadOnlySpan<float> thresholds, int[] counts)
        {
            var right = new int[splits.Length];
            for (int n = 0; n < _rows; n++)
            {
                int b = _node[n];
                int bit = _a[n * _dimension + dim] >= thresholds[b] ? 1 : 0;
                right[b] += bit;
                _node[n] = (byte)(2 * b + bit);
            }

            for (int b = 0; b < splits.Length; b++)
            {
                if (splits[b].Splits && right[b] != counts[b] - splits[b].LeftCount)
                {
                    throw new InvalidOperationException("Internal error: the threshold " + splits[b].Threshold +
                        " of column " + dim + " sends " + right[b] + " rows right, but the scored cut sends " +
                        (counts[b] - splits[b].LeftCount) + ".");
                }
            }
        }
    }
}
