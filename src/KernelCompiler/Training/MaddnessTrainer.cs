using System;
using System.Numerics.Tensors;
using System.Threading;

namespace KernelCompiler.Training
{
    /// <summary>
    /// Learns a MADDNESS model from training rows A (N × D) for a fixed B (D × M), exactly as docs/algorithm.md §3–4 says:
    /// contiguous subspaces, greedy hash trees on the residual, a ridge refit of the prototypes and per-output
    /// quantised tables. Deterministic: the same input gives the same model, whatever the thread scheduling.
    /// </summary>
    public static partial class MaddnessTrainer
    {
        /// <summary>The stage names reported through <see cref="TrainingProgress"/>.</summary>
        public const string TreesStage = "hash trees", RefitStage = "ridge refit", TablesStage = "tables";

        /// <summary>Trains a model, taking N, D and M from the shapes of <paramref name="a"/> and
        /// <paramref name="weights"/>.</summary>
        /// <param name="a">Training rows, [N, D], dense; every value finite.</param>
        /// <param name="weights">B, [D, M], dense.</param>
        /// <param name="bias">Empty, or M values folded into the offsets.</param>
        /// <param name="options">Codebooks, ridge λ, table fitting, aggregation, name.</param>
        /// <param name="progress">Told as each stage advances.</param>
        /// <param name="cancellationToken">Checked often enough that cancelling stops training within a second.</param>
        /// <exception cref="ArgumentException">A tensor has the wrong rank, is not dense, or the shapes do not fit
        /// together; or as <see cref="Train(ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, MaddnessTrainerOptions, IProgress{TrainingProgress}?, CancellationToken)"/>.</exception>
        /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
        public static LutModel Train(in ReadOnlyTensorSpan<float> a, in ReadOnlyTensorSpan<float> weights,
            ReadOnlySpan<float> bias, MaddnessTrainerOptions options, IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            if (a.Rank != 2 || !a.IsDense)
            {
                throw new ArgumentException("Training rows must be a dense rank-2 tensor [N, D]; the tensor has rank " +
                    a.Rank + (a.IsDense ? "." : " and is not dense."), nameof(a));
            }

            if (weights.Rank != 2 || !weights.IsDense || weights.Lengths[0] != a.Lengths[1])
            {
                throw new ArgumentException("Weights must be a dense rank-2 tensor [D, M] with D = " + a.Lengths[1] +
                    " (the columns of the training rows); the tensor has rank " + weights.Rank +
                    (weights.Rank == 2 ? ", shape [" + weights.Lengths[0] + ", " + weights.Lengths[1] + "]" : "") +
                    (weights.IsDense ? "." : " and is not dense."), nameof(weights));
            }

            int rows = checked((int)a.Lengths[0]);
            int outputs = checked((int)weights.Lengths[1]);
            ReadOnlySpan<float> x = a.FlattenedLength == 0 ? default : a.GetSpan(stackalloc nint[2], checked((int)a.FlattenedLength));
            ReadOnlySpan<float> b = weights.FlattenedLength == 0 ? default : weights.GetSpan(stackalloc nint[2], checked((int)weights.FlattenedLength));
            return Train(x, rows, b, outputs, bias, options, progress, cancellationToken);
        }

        /// <summary>Trains a model.</summary>
        /// <param name="a">Training rows, <paramref name="rows"/> × D row-major; every value finite.</param>
        /// <param name="rows">N, the number of training rows.</param>
        /// <param name="weights">B, D × <paramref name="outputs"/> row-major.</param>
        /// <param name="outputs">M, the number of outputs.</param>
        /// <param name="bias">Empty, or <paramref name="outputs"/> values folded into the offsets.</param>
        /// <param name="options">Codebooks, ridge λ, table fitting, aggregation, name.</param>
        /// <param name="progress">Told as each stage advances: after each codebook's tree, through the ridge refit
        /// (the longest stage for large C) and the tables.</param>
        /// <param name="cancellationToken">Checked often enough that cancelling stops training within a second; a
        /// cancelled training never returns a model.</param>
        /// <exception cref="ArgumentException">An argument has the wrong length or a non-finite value, or an option
        /// is out of range (e.g. more codebooks than input columns).</exception>
        /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
        public static LutModel Train(ReadOnlySpan<float> a, int rows, ReadOnlySpan<float> weights, int outputs,
            ReadOnlySpan<float> bias, MaddnessTrainerOptions options, IProgress<TrainingProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (rows < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least one training row is needed.");
            }

            if (a.Length == 0 || a.Length % rows != 0)
            {
                throw new ArgumentException("Training data length " + a.Length + " is not a whole, non-zero number of " +
                    "values per row for " + rows + " rows.", nameof(a));
            }

            int d = a.Length / rows;
            if (d > LutModelLimits.MaxInputDimension)
            {
                throw new ArgumentException("Training rows have " + d + " columns; at most " +
                    LutModelLimits.MaxInputDimension + " are supported.", nameof(a));
            }

            CheckOptions(options, d);
            CheckWeights(weights, d, outputs, bias);
            CheckFinite(a, d, nameof(a), "training data");

            int c = options.Codebooks;
            int maxWidth = Subspaces.Block(d, c, 0).Width;
            var residual = new double[c][];
            var prototypes = new float[c * LutModel.BucketCount * d];
            var splitDimensions = new int[c * LutModel.TreeDepth];
            var thresholds = new float[c * LutModel.ThresholdsPerCodebook];
            var codes = new byte[rows * c];

            // §4b: one tree per codebook on the residual left by the codebooks before it. The buffers hold one block
            // of columns (N × width, row-major): a tree reads nothing else, and its rows lie contiguous in memory.
            progress?.Report(new TrainingProgress(TreesStage, 0, c));
            var builder = new HashTreeBuilder(rows, maxWidth);
            var block = new float[rows * maxWidth];
            var bucketCodes = new byte[rows];
            for (int i = 0; i < c; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (int start, int width) = Subspaces.Block(d, c, i);
                for (int n = 0; n < rows; n++)
                {
                    a.Slice(n * d + start, width).CopyTo(block.AsSpan(n * width, width));
                }

                // Earlier prototypes are zero outside their own blocks, so R on this block is still A.
                residual[i] = new double[rows * width];
                for (int j = 0; j < rows * width; j++)
                {
                    residual[i][j] = block[j];
                }

                HashTree tree = builder.Grow(block, residual[i], width, cancellationToken);
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    splitDimensions[i * LutModel.TreeDepth + level] = start + tree.SplitColumns[level];
                }

                tree.Thresholds.CopyTo(thresholds, i * LutModel.ThresholdsPerCodebook);

                // The buckets are what the reference encoder says, and must be what the tree was grown with.
                Encode(block, width, tree, bucketCodes);
                if (!bucketCodes.AsSpan().SequenceEqual(builder.Nodes))
                {
                    throw new InvalidOperationException("Internal error: codebook " + i +
                        "'s buckets differ from the reference encoder's codes.");
                }

                FitPrototypes(residual[i], d, rows, bucketCodes, start, width,
                    prototypes.AsSpan(i * LutModel.BucketCount * d, LutModel.BucketCount * d));
                for (int n = 0; n < rows; n++)
                {
                    codes[n * c + i] = bucketCodes[n];
                }

                progress?.Report(new TrainingProgress(TreesStage, i + 1, c));
            }

            // §4c: (GᵀG + λI) W = Gᵀ R, and W is added to the prototypes, which become dense.
            // Steps: the Gram matrix and its factor, Gᵀ R by chunks of 1024 rows, the solve by blocks of columns.
            int rowChunks = (rows + 1023) / 1024;
            var refit = new StageProgress(progress, RefitStage,
                RidgeRegression.ConstructionSteps(rows, c) + rowChunks + RidgeRegression.SolveSteps(d));
            var ridge = new RidgeRegression(codes, rows, c, options.RidgeLambda, () => refit.Advance(), cancellationToken);
            int buckets = c * LutModel.BucketCount;
            var gtr = new double[buckets * d];
            var values = new double[Math.Max(d, outputs)];
            for (int n = 0; n < rows; n++)
            {
                if ((n & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (n > 0) refit.Advance();
                }

                for (int i = 0; i < c; i++)
                {
                    (int start, int width) = Subspaces.Block(d, c, i);
                    residual[i].AsSpan(n * width, width).CopyTo(values.AsSpan(start, width));
                }

                ridge.Accumulate(n, values.AsSpan(0, d), gtr);
            }

            refit.Advance();
            double[] w = ridge.Solve(gtr, d, () => refit.Advance(), cancellationToken);
            for (int i = 0; i < prototypes.Length; i++)
            {
                prototypes[i] = (float)(prototypes[i] + w[i]);
            }

            refit.Complete();
            if (!Array.TrueForAll(prototypes, float.IsFinite))
            {
                throw new ArgumentException("The training data's values are too large: the refitted prototypes " +
                    "overflow float32. Scale the data down.", nameof(a));
            }

            // §4d / §3: float tables from the prototypes or fitted to the training outputs, then quantised.
            // Steps: rows by chunks of 1024 and the solve (output fitting), or one per codebook (prototypes); then
            // quantisation.
            var tables = new StageProgress(progress, TablesStage, 1 + (options.TableFitting == TableFitting.Outputs
                ? rowChunks + RidgeRegression.SolveSteps(outputs) : c));
            double[] floatTables;
            if (options.TableFitting == TableFitting.Outputs)
            {
                // G · T ≈ A · B with the same factor; the bias is folded in at quantisation.
                var gty = new double[buckets * outputs];
                for (int n = 0; n < rows; n++)
                {
                    if ((n & 1023) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        if (n > 0) tables.Advance();
                    }

                    Product(a.Slice(n * d, d), weights, outputs, values.AsSpan(0, outputs));
                    ridge.Accumulate(n, values.AsSpan(0, outputs), gty);
                }

                tables.Advance();
                floatTables = Transpose(ridge.Solve(gty, outputs, () => tables.Advance(), cancellationToken), buckets, outputs);
            }
            else
            {
                floatTables = PrototypeTables(prototypes, c, d, weights, outputs, () => tables.Advance(), cancellationToken);
            }

            QuantizedTables q = TableQuantizer.Quantize(floatTables, outputs, c, bias);
            cancellationToken.ThrowIfCancellationRequested();
            tables.Complete();
            return new LutModel(d, outputs, splitDimensions, thresholds, q.Tables, q.Steps, q.Offsets,
                    options.Aggregation, options.IncludePrototypes ? prototypes : null, options.Name, options.Producer)
                .WithWeightsFingerprint(LutModel.ComputeWeightsFingerprint(weights, outputs, bias));
        }

        /// <summary>Rebuilds the tables of <paramref name="model"/> for another B from its prototypes (docs/algorithm.md §3);
        /// the trees and the aggregation are kept.</summary>
        /// <param name="model">A model that carries its prototypes.</param>
        /// <param name="weights">B, D × <paramref name="outputs"/> row-major.</param>
        /// <param name="outputs">M of the new model.</param>
        /// <param name="bias">Empty, or <paramref name="outputs"/> values folded into the offsets.</param>
        /// <exception cref="ArgumentException">The model has no prototypes, or an argument has the wrong length or a
        /// non-finite value.</exception>
        public static LutModel BuildTables(LutModel model, ReadOnlySpan<float> weights, int outputs, ReadOnlySpan<float> bias)
        {
            ArgumentNullException.ThrowIfNull(model);
            if (!model.HasPrototypes)
            {
                throw new ArgumentException("Model '" + model.Name + "' has no prototypes, so its tables cannot be " +
                    "rebuilt; train it with IncludePrototypes.", nameof(model));
            }

            CheckWeights(weights, model.InputDimension, outputs, bias);
            double[] floatTables = PrototypeTables(model.Prototypes, model.Codebooks, model.InputDimension, weights, outputs,
                static () => { }, CancellationToken.None);
            QuantizedTables q = TableQuantizer.Quantize(floatTables, outputs, model.Codebooks, bias);
            return model.WithTables(q.Tables, q.Steps, q.Offsets, outputs)
                .WithWeightsFingerprint(LutModel.ComputeWeightsFingerprint(weights, outputs, bias));
        }

        private static void CheckOptions(MaddnessTrainerOptions options, int d)
        {
            int c = options.Codebooks;
            if (c < 1 || c > d || c > LutModelLimits.MaxCodebooks)
            {
                throw new ArgumentException("options.Codebooks is " + c + "; it must be from 1 to the input dimension D = " +
                    d + " (each codebook needs at least one column of its own) and at most " +
                    LutModelLimits.MaxCodebooks + ".", nameof(options));
            }

            if (!(options.RidgeLambda > 0) || double.IsInfinity(options.RidgeLambda))
            {
                throw new ArgumentException("options.RidgeLambda is " + options.RidgeLambda + "; it must be finite and " +
                    "greater than 0 (with 0 the ridge system is singular).", nameof(options));
            }

            if (options.TableFitting is not (TableFitting.Prototypes or TableFitting.Outputs))
            {
                throw new ArgumentException("options.TableFitting " + options.TableFitting + " is not defined.", nameof(options));
            }

            if (options.Aggregation is not (LutAggregation.Exact or LutAggregation.Average))
            {
                throw new ArgumentException("options.Aggregation " + options.Aggregation + " is not defined.", nameof(options));
            }

            if (options.Aggregation == LutAggregation.Average && !(c is 1 or 2 or 4 or 8 || c % 16 == 0))
            {
                throw new ArgumentException("options.Aggregation Average needs 1, 2, 4, 8 or a multiple of 16 codebooks; " +
                    "options.Codebooks is " + c + ".", nameof(options));
            }

            if (string.IsNullOrEmpty(options.Name) || options.Name.Length > LutModelLimits.MaxNameLength)
            {
                throw new ArgumentException("options.Name must have 1 to " + LutModelLimits.MaxNameLength + " characters.",
                    nameof(options));
            }

            // Training holds the C × 16 × D prototypes (and Gᵀ R of the same size in double) whether or not the model
            // keeps them.
            if ((long)c * LutModel.BucketCount * d > LutModelLimits.MaxPrototypeValues)
            {
                throw new ArgumentException("C × 16 × D = " + ((long)c * LutModel.BucketCount * d) + " prototype values " +
                    "exceed the limit of " + LutModelLimits.MaxPrototypeValues + "; use fewer codebooks.", nameof(options));
            }
        }

        private static void CheckWeights(ReadOnlySpan<float> weights, int d, int outputs, ReadOnlySpan<float> bias)
        {
            if (outputs < 1 || outputs > LutModelLimits.MaxOutputDimension)
            {
                throw new ArgumentOutOfRangeException(nameof(outputs), outputs,
                    "Outputs must be from 1 to " + LutModelLimits.MaxOutputDimension + ".");
            }

            if (weights.Length != (long)d * outputs)
            {
                throw new ArgumentException("Weights have " + weights.Length + " values; expected D × outputs = " + d +
                    " × " + outputs + " = " + ((long)d * outputs) + ".", nameof(weights));
            }

            if (!bias.IsEmpty && bias.Length != outputs)
            {
                throw new ArgumentException("Bias has " + bias.Length + " values; expected none or " + outputs + ".",
                    nameof(bias));
            }

            CheckFinite(weights, outputs, nameof(weights), "weights");
            CheckFinite(bias, outputs, nameof(bias), "bias");
        }

        private static void CheckFinite(ReadOnlySpan<float> values, int columns, string parameter, string what)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    throw new ArgumentException("The " + what + " hold " + values[i] + " at row " + (i / columns) +
                        ", column " + (i % columns) + "; every value must be finite.", parameter);
                }
            }
        }

        // The codes of one tree, by the reference encoder (x ≥ t goes right, NaN left): one contract, one encoder. The
        // tree is posed as a one-codebook model over its block's columns.
        private static void Encode(float[] block, int width, HashTree tree, byte[] codes)
        {
            var model = new LutModel(width, 1, tree.SplitColumns, tree.Thresholds, new byte[LutModel.BucketCount],
                new float[] { 1 }, new float[] { 0 }, name: "training");
            LutKernel.CreateReference(model).Encode(block.AsSpan(0, codes.Length * width), codes);
        }

        // Prototype k = mean of R over bucket k's rows on the block's columns (zero elsewhere, empty buckets zero);
        // subtracted (as stored, in float32) from those rows of R.
        private static void FitPrototypes(double[] block, int d, int rows, byte[] codes, int start, int width,
            Span<float> prototypes)
        {
            var sums = new double[LutModel.BucketCount * width];
            var counts = new int[LutModel.BucketCount];
            for (int n = 0; n < rows; n++)
            {
                int k = codes[n];
                counts[k]++;
                ReadOnlySpan<double> r = block.AsSpan(n * width, width);
                Span<double> s = sums.AsSpan(k * width, width);
                for (int j = 0; j < width; j++)
                {
                    s[j] += r[j];
                }
            }

            for (int k = 0; k < LutModel.BucketCount; k++)
            {
                for (int j = 0; j < width; j++)
                {
                    prototypes[k * d + start + j] = counts[k] == 0 ? 0 : (float)(sums[k * width + j] / counts[k]);
                }
            }

            for (int n = 0; n < rows; n++)
            {
                ReadOnlySpan<float> p = prototypes.Slice(codes[n] * d + start, width);
                Span<double> r = block.AsSpan(n * width, width);
                for (int j = 0; j < width; j++)
                {
                    r[j] -= p[j];
                }
            }
        }

        // L[m][c][k] = P[c][k] · B[:, m].
        private static double[] PrototypeTables(ReadOnlySpan<float> prototypes, int codebooks, int d,
            ReadOnlySpan<float> weights, int outputs, Action codebookDone, CancellationToken cancellationToken)
        {
            int buckets = codebooks * LutModel.BucketCount;
            var products = new double[outputs];
            var tables = new double[outputs * buckets];
            for (int i = 0; i < buckets; i++)
            {
                if (i % LutModel.BucketCount == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (i > 0) codebookDone();
                }

                Product(prototypes.Slice(i * d, d), weights, outputs, products);
                for (int m = 0; m < outputs; m++)
                {
                    tables[m * buckets + i] = products[m];
                }
            }

            codebookDone();
            return tables;
        }

        // values = row · B in double.
        private static void Product(ReadOnlySpan<float> row, ReadOnlySpan<float> weights, int outputs, Span<double> values)
        {
            values.Clear();
            for (int j = 0; j < row.Length; j++)
            {
                double v = row[j];
                if (v == 0)
                {
                    continue;
                }

                ReadOnlySpan<float> b = weights.Slice(j * outputs, outputs);
                for (int m = 0; m < outputs; m++)
                {
                    values[m] += v * b[m];
                }
            }
        }

        // [bucket][m] → [m][bucket]
        private static double[] Transpose(double[] values, int rows, int columns)
        {
            var t = new double[values.Length];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    t[j * rows + i] = values[i * columns + j];
                }
            }

            return t;
        }
    }
}
