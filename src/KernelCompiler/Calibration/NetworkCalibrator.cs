using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Calibration
{
    /// <summary>
    /// Turns an exact network (every layer dense, e.g. from <see cref="OnnxImporter"/>) into a network of LUT layers,
    /// calibrated layer by layer in order: layer k is trained on the <em>approximated</em> outputs of the layers before
    /// it (its trees learn the rows it will really see), and with <see cref="CalibrationTargets.Teacher"/> its tables are
    /// fitted to the exact network's pre-activations at layer k, so it corrects upstream error instead of adding to it
    /// (<see cref="MaddnessTrainer.TrainToTargets"/>). Layers can be kept exact.
    /// </summary>
    /// <remarks>
    /// <para><b>Cost.</b> A row costs, per LUT layer, C · M table lookups (each a byte load and an add) and, per exact
    /// layer, D · M float multiply-adds; the cost of a network is the sum of both counts, one lookup weighed as one
    /// multiply-add. The encoders' 4 · C comparisons a layer are left out: they are small against C · M for any layer
    /// with more than four outputs.</para>
    /// <para><b>Automatic choice.</b> With <see cref="NetworkCalibrationOptions.MaxAccuracyLoss"/> (needs labels) or
    /// <see cref="NetworkCalibrationOptions.MaxNmse"/>, every fifth calibration row (rows 4, 9, 14, …) is held back and
    /// the layers are trained on the rest. The layers are chosen in order. Layer k may use a share of the budget
    /// proportional to the exact network's cost up to and including it (big layers are where cost is saved, so they
    /// get most of the budget; the last layer always gets all of it). For layer k the candidate codebook counts are
    /// tried cheapest first; a candidate is measured on the held-back rows through the layers chosen before it, itself,
    /// and the exact layers after it, and the first whose accuracy loss (exact minus approximate accuracy) or
    /// final-output NMSE is within its allowance is kept; when none is, the layer stays exact (an exact layer adds no
    /// error, so the choice always ends within the budget on the held-back rows). The result lists every trial.</para>
    /// <para>Deterministic: the same network, rows, labels and options give the same network, whatever the thread
    /// scheduling.</para>
    /// </remarks>
    public static class NetworkCalibrator
    {
        /// <summary>Stage name: the exact network's activations of a layer are computed.</summary>
        public const string ExactStage = "exact activations";

        /// <summary>Stage name: a candidate layer is run and measured.</summary>
        public const string EvaluateStage = "evaluate";

        /// <summary>Calibrates <paramref name="network"/> on the rows <paramref name="x"/>.</summary>
        /// <param name="network">The exact network: every layer a <see cref="DenseLayer"/>.</param>
        /// <param name="x">Calibration rows, N × D row-major (D = the network's input dimension), every value finite.</param>
        /// <param name="labels">Empty, or N class labels (0 to M − 1) to measure accuracy with.</param>
        /// <param name="options">The choice of layers and the fitting.</param>
        /// <param name="progress">Told per layer and stage.</param>
        /// <param name="cancellationToken">Checked throughout; honoured within a second.</param>
        /// <returns>The calibrated network and what was chosen.</returns>
        /// <exception cref="ArgumentException">The network is not exact, an argument has the wrong length or a value
        /// out of range, or the options contradict one another.</exception>
        /// <exception cref="OperationCanceledException">Calibration was cancelled.</exception>
        public static NetworkCalibrationResult Calibrate(LutNetwork network, ReadOnlySpan<float> x, ReadOnlySpan<int> labels,
            NetworkCalibrationOptions options, IProgress<CalibrationProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(options);
            int layers = network.Layers.Count, d = network.InputDimension;
            for (int i = 0; i < layers; i++)
            {
                if (network.Layers[i] is not DenseLayer)
                {
                    throw new ArgumentException("Layer " + i + " of '" + network.Name + "' is already a LUT layer; " +
                        "calibration starts from an exact network (every layer dense).", nameof(network));
                }
            }

            if (x.Length == 0 || x.Length % d != 0)
            {
                throw new ArgumentException("Calibration data has " + x.Length + " values; expected a whole, non-zero " +
                    "number of rows of " + d + " values (the network's input).", nameof(x));
            }

            int rows = x.Length / d;
            for (int i = 0; i < x.Length; i++)
            {
                if (!float.IsFinite(x[i]))
                {
                    throw new ArgumentException("Calibration row " + (i / d) + ", column " + (i % d) + " holds " +
                        x[i].ToString(CultureInfo.InvariantCulture) + "; every value must be finite.", nameof(x));
                }
            }

            int outputs = network.OutputDimension;
            if (!labels.IsEmpty)
            {
                if (labels.Length != rows)
                {
                    throw new ArgumentException("There are " + labels.Length + " labels for " + rows +
                        " calibration rows; expected one a row.", nameof(labels));
                }

                for (int n = 0; n < rows; n++)
                {
                    if ((uint)labels[n] >= (uint)outputs)
                    {
                        throw new ArgumentException("Label " + n + " is " + labels[n] + "; expected a class from 0 to " +
                            (outputs - 1) + " (the network has " + outputs + " outputs).", nameof(labels));
                    }
                }
            }

            Plan plan = CheckOptions(network, options, !labels.IsEmpty, rows);
            float[] all = x.ToArray();
            int[] allLabels = labels.ToArray();
            var run = new CalibrationRun(network, options, plan.Criterion, plan.Budget, plan.Choices, plan.Candidates, progress,
                cancellationToken);
            if (plan.Criterion == CalibrationCriterion.Fixed)
            {
                return run.Fixed(all, rows, allLabels);
            }

            // Every fifth row held back: a split that does not depend on how the rows were ordered by class or time
            // more than any fixed pattern can, and is the same on every run.
            int held = rows / 5, trained = rows - held;
            var trainRows = new float[(long)trained * d];
            var heldRows = new float[(long)held * d];
            var heldLabels = new int[allLabels.Length == 0 ? 0 : held];
            for (int n = 0, t = 0, h = 0; n < rows; n++)
            {
                if (n % 5 == 4)
                {
                    all.AsSpan(n * d, d).CopyTo(heldRows.AsSpan(h * d, d));
                    if (heldLabels.Length != 0)
                    {
                        heldLabels[h] = allLabels[n];
                    }

                    h++;
                }
                else
                {
                    all.AsSpan(n * d, d).CopyTo(trainRows.AsSpan(t++ * d, d));
                }
            }

            return run.Automatic(trainRows, trained, heldRows, held, heldLabels);
        }

        /// <summary>The checked options: per layer a fixed codebook count (0 = exact) or −1 = to be chosen.</summary>
        private sealed record Plan(CalibrationCriterion Criterion, double Budget, int[] Choices, int[] Candidates);

        private static Plan CheckOptions(LutNetwork network, NetworkCalibrationOptions options, bool hasLabels, int rows)
        {
            int layers = network.Layers.Count;
            if (!(options.RidgeLambda > 0) || double.IsInfinity(options.RidgeLambda))
            {
                throw new ArgumentException("options.RidgeLambda is " + options.RidgeLambda + "; it must be finite and " +
                    "greater than 0.", nameof(options));
            }

            if (options.Targets is not (CalibrationTargets.Teacher or CalibrationTargets.LayerOutputs))
            {
                throw new ArgumentException("options.Targets " + options.Targets + " is not defined.", nameof(options));
            }

            var choices = new int[layers];
            CalibrationCriterion criterion = CalibrationCriterion.Fixed;
            double budget = 0;
            if (options.MaxAccuracyLoss is double loss)
            {
                if (options.MaxNmse is not null)
                {
                    throw new ArgumentException("options.MaxAccuracyLoss and options.MaxNmse are both set; choose by one.",
                        nameof(options));
                }

                if (!(loss >= 0 && loss <= 1))
                {
                    throw new ArgumentException("options.MaxAccuracyLoss is " + loss + "; expected a fraction from 0 to 1 " +
                        "(0.01 = one point of accuracy).", nameof(options));
                }

                if (!hasLabels)
                {
                    throw new ArgumentException("options.MaxAccuracyLoss needs labels for the calibration rows.", nameof(options));
                }

                criterion = CalibrationCriterion.AccuracyLoss;
                budget = loss;
            }
            else if (options.MaxNmse is double nmse)
            {
                if (!(nmse > 0) || double.IsInfinity(nmse))
                {
                    throw new ArgumentException("options.MaxNmse is " + nmse + "; expected a finite value greater than 0.",
                        nameof(options));
                }

                criterion = CalibrationCriterion.Nmse;
                budget = nmse;
            }

            int[] candidates = Array.Empty<int>();
            if (criterion == CalibrationCriterion.Fixed)
            {
                if (options.LayerCodebooks is { } perLayer)
                {
                    if (perLayer.Count != layers)
                    {
                        throw new ArgumentException("options.LayerCodebooks has " + perLayer.Count + " entries; the network " +
                            "has " + layers + " layers (0 keeps a layer exact).", nameof(options));
                    }

                    for (int i = 0; i < layers; i++)
                    {
                        choices[i] = CheckCodebooks(perLayer[i], allowExact: true, "options.LayerCodebooks[" + i + "]");
                    }
                }
                else
                {
                    int c = CheckCodebooks(options.Codebooks, allowExact: false, "options.Codebooks");
                    Array.Fill(choices, c);
                }
            }
            else
            {
                if (options.LayerCodebooks is not null)
                {
                    throw new ArgumentException("options.LayerCodebooks fixes the layers; it cannot be combined with an " +
                        "automatic choice (MaxAccuracyLoss or MaxNmse).", nameof(options));
                }

                if (options.CandidateCodebooks is null || options.CandidateCodebooks.Count == 0)
                {
                    throw new ArgumentException("options.CandidateCodebooks is empty; the automatic choice needs at least " +
                        "one codebook count to try.", nameof(options));
                }

                candidates = new int[options.CandidateCodebooks.Count];
                for (int i = 0; i < candidates.Length; i++)
                {
                    candidates[i] = CheckCodebooks(options.CandidateCodebooks[i], allowExact: false,
                        "options.CandidateCodebooks[" + i + "]");
                }

                Array.Sort(candidates);
                if (rows < 5)
                {
                    throw new ArgumentException("An automatic choice holds back every fifth calibration row to measure on; " +
                        rows + " rows are too few (at least 5).", nameof(options));
                }

                Array.Fill(choices, -1);
            }

            if (options.ExactLayers is { } exact)
            {
                foreach (int i in exact)
                {
                    if ((uint)i >= (uint)layers)
                    {
                        throw new ArgumentException("options.ExactLayers names layer " + i + "; the network has layers 0 to " +
                            (layers - 1) + ".", nameof(options));
                    }

                    choices[i] = 0;
                }
            }

            return new Plan(criterion, budget, choices, candidates);
        }

        private static int CheckCodebooks(int c, bool allowExact, string what)
        {
            if ((c == 0 && allowExact) || (c >= 1 && c <= LutModelLimits.MaxCodebooks))
            {
                return c;
            }

            throw new ArgumentException(what + " is " + c + "; expected 1 to " + LutModelLimits.MaxCodebooks +
                (allowExact ? " codebooks, or 0 for an exact layer." : " codebooks."), "options");
        }
    }
}
