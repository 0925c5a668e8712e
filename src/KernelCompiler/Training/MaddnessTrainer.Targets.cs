using System;
using System.Threading;

namespace KernelCompiler.Training
{
    public static partial class MaddnessTrainer
    {
        /// <summary>
        /// Trains a model whose trees are learned from the rows <paramref name="x"/> and whose tables are fitted to
        /// given target outputs rather than to <c>x · B</c>: the teacher fitting of a network's calibration, where
        /// <paramref name="x"/> are the approximated inputs of a layer and <paramref name="targets"/> the exact
        /// network's values at that layer. The trees are grown as <see cref="Train(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, MaddnessTrainerOptions, IProgress{TrainingProgress}?, System.Threading.CancellationToken)"/> grows them (docs/algorithm.md §4b);
        /// the float tables T (16C × M) solve the ridge system <c>(GᵀG + λI) T = Gᵀ (Y − ȳ)</c> on the one-hot codes
        /// G of <paramref name="x"/>, and the column means ȳ of the targets are folded into the offsets (a bias the
        /// ridge penalty does not pull towards zero); then the tables are quantised as in §3. Deterministic.
        /// </summary>
        /// <param name="x">Training rows, <paramref name="rows"/> × D row-major; every value finite.</param>
        /// <param name="rows">N, the number of training rows.</param>
        /// <param name="targets">The outputs to fit, <paramref name="rows"/> × <paramref name="outputs"/> row-major;
        /// every value finite.</param>
        /// <param name="outputs">M, the number of outputs.</param>
        /// <param name="options">Codebooks, ridge λ, aggregation, name and producer. <see cref="MaddnessTrainerOptions.TableFitting"/>
        /// does not apply, and the model carries no prototypes (its tables are not a product with any B), whatever
        /// <see cref="MaddnessTrainerOptions.IncludePrototypes"/> says.</param>
        /// <param name="progress">Told after each codebook's tree (<see cref="TreesStage"/>) and around the table fit
        /// (<see cref="TablesStage"/>).</param>
        /// <param name="cancellationToken">Checked at every codebook and tree level, and during the long loops.</param>
        /// <returns>A model of D inputs and <paramref name="outputs"/> outputs.</returns>
        /// <exception cref="ArgumentException">An argument has the wrong length or a non-finite value, or an option is
        /// out of range.</exception>
        /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
        public static LutModel TrainToTargets(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> targets, int outputs,
            MaddnessTrainerOptions options, IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            int d = CheckRows(x, rows, nameof(x));
            CheckOptions(options, d);
            if (outputs < 1 || outputs > LutModelLimits.MaxOutputDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), outputs,
                    "Outputs must be from 1 to " + LutModelLimits.MaxOutputDimension + ".");
            }

            if (targets.Length != (long)rows * outputs)
            {
                throw new ArgumentException("Targets have " + targets.Length + " values; expected rows × outputs = " +
                    rows + " × " + outputs + " = " + ((long)rows * outputs) + ".", nameof(targets));
            }

            CheckFinite(x, d, nameof(x), "training data");
            CheckFinite(targets, outputs, nameof(targets), "targets");

            (int[] splitDimensions, float[] thresholds, byte[] codes) = GrowTrees(x, rows, d, options.Codebooks, progress,
                cancellationToken);
            (byte[] tables, float[] steps, float[] offsets) = FitTables(codes, rows, options.Codebooks, targets, outputs,
                options.RidgeLambda, progress, cancellationToken);
            return new LutModel(d, outputs, splitDimensions, thresholds, tables, steps, offsets, options.Aggregation,
                prototypes: null, options.Name, options.Producer);
        }

        private static int CheckRows(ReadOnlySpan<float> x, int rows, string parameter)
        {
            if (rows < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least one training row is needed.");
            }

            if (x.Length == 0 || x.Length % rows != 0)
            {
                throw new ArgumentException("Training data length " + x.Length + " is not a whole, non-zero number of " +
                    "values per row for " + rows + " rows.", parameter);
            }

            int d = x.Length / rows;
            if (d > LutModelLimits.MaxInputDimension)
            {
                throw new ArgumentException("Training rows have " + d + " columns; at most " +
                    LutModelLimits.MaxInputDimension + " are supported.", parameter);
            }

            return d;
        }

        // §4b without the prototypes: each tree is grown on its own block of x (earlier prototypes are zero outside
        // their blocks, so the residual on a block is x itself). Returns the split columns, thresholds and the N × C
        // codes of x by the reference encoder.
        private static (int[] SplitDimensions, float[] Thresholds, byte[] Codes) GrowTrees(ReadOnlySpan<float> x, int rows,
            int d, int c, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            var splitDimensions = new int[c * LutModel.TreeDepth];
            var thresholds = new float[c * LutModel.ThresholdsPerCodebook];
            var codes = new byte[rows * c];
            int maxWidth = Subspaces.Block(d, c, 0).Width;
            progress?.Report(new TrainingProgress(TreesStage, 0, c));
            var builder = new HashTreeBuilder(rows, maxWidth);
            var block = new float[rows * maxWidth];
            var residual = new double[rows * maxWidth];
            var bucketCodes = new byte[rows];
            for (int i = 0; i < c; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (int start, int width) = Subspaces.Block(d, c, i);
                for (int n = 0; n < rows; n++)
                {
                    x.Slice(n * d + start, width).CopyTo(block.AsSpan(n * width, width));
                }

                for (int j = 0; j < rows * width; j++)
                {
                    residual[j] = block[j];
                }

                HashTree tree = builder.Grow(block, residual, width, cancellationToken);
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    splitDimensions[i * LutModel.TreeDepth + level] = start + tree.SplitColumns[level];
                }

                tree.Thresholds.CopyTo(thresholds, i * LutModel.ThresholdsPerCodebook);
                Encode(block, width, tree, bucketCodes);
                for (int n = 0; n < rows; n++)
                {
                    codes[n * c + i] = bucketCodes[n];
                }

                progress?.Report(new TrainingProgress(TreesStage, i + 1, c));
            }

            return (splitDimensions, thresholds, codes);
        }

        // Ridge fit of the float tables to the centred targets on the one-hot codes, then §3's quantisation with the
        // target means as the bias.
        private static QuantizedTables FitTables(byte[] codes, int rows, int c, ReadOnlySpan<float> targets, int outputs,
            double lambda, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            progress?.Report(new TrainingProgress(TablesStage, 0, 1));
            var means = new double[outputs];
            for (int n = 0; n < rows; n++)
            {
                ReadOnlySpan<float> y = targets.Slice(n * outputs, outputs);
                for (int m = 0; m < outputs; m++)
                {
                    means[m] += y[m];
                }
            }

            var bias = new float[outputs];
            for (int m = 0; m < outputs; m++)
            {
                means[m] /= rows;
                bias[m] = (float)means[m];
            }

            var ridge = new CodeRidgeSolver(codes, rows, c, lambda, cancellationToken);
            int buckets = c * LutModel.BucketCount;
            var gty = new double[buckets * outputs];
            var values = new double[outputs];
            for (int n = 0; n < rows; n++)
            {
                if ((n & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                ReadOnlySpan<float> y = targets.Slice(n * outputs, outputs);
                for (int m = 0; m < outputs; m++)
                {
                    values[m] = y[m] - bias[m];
                }

                ridge.Accumulate(n, values, gty);
            }

            cancellationToken.ThrowIfCancellationRequested();
            double[] floatTables = Transpose(ridge.Solve(gty, outputs, cancellationToken), buckets, outputs);
            QuantizedTables q = TableQuantizer.Quantize(floatTables, outputs, c, bias);
            progress?.Report(new TrainingProgress(TablesStage, 1, 1));
            return q;
        }
    }
}
