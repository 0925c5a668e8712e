using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Calibration
{
    /// <summary>One run of <see cref="NetworkCalibrator.Calibrate"/> on checked arguments: the fixed and the automatic
    /// choice, layer by layer.</summary>
    internal sealed class CalibrationRun
    {
        private readonly LutNetwork _network;
        private readonly NetworkCalibrationOptions _options;
        private readonly int[] _choices;
        private readonly int[] _candidates;
        private readonly CalibrationCriterion _criterion;
        private readonly double _budget;
        private readonly IProgress<CalibrationProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly int _layers;

        public CalibrationRun(LutNetwork network, NetworkCalibrationOptions options, CalibrationCriterion criterion,
            double budget, int[] choices, int[] candidates, IProgress<CalibrationProgress>? progress,
            CancellationToken cancellationToken)
        {
            _network = network;
            _options = options;
            _criterion = criterion;
            _budget = budget;
            _choices = choices;
            _candidates = candidates;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _layers = network.Layers.Count;
        }

        /// <summary>Every layer as the options fix it, trained on all rows; figures in-sample.</summary>
        public NetworkCalibrationResult Fixed(float[] x, int rows, int[] labels)
        {
            float[] approximate = x, exact = x;
            var layers = new NetworkLayer[_layers];
            var results = new LayerCalibration[_layers];
            for (int k = 0; k < _layers; k++)
            {
                DenseLayer dense = Dense(k);
                float[] exactPre = ExactPreActivation(k, exact, rows);
                float[] exactOut = LayerPass.Activate(dense.Activation, exactPre);
                int asked = _choices[k];
                float[] pre;
                string reason;
                int c = Math.Min(asked, dense.InputDimension);
                if (c == 0)
                {
                    layers[k] = dense;
                    pre = ReferenceEquals(approximate, exact) ? exactPre : LayerPass.DensePreActivation(dense, approximate, rows, _cancellationToken);
                    reason = "kept exact as asked";
                }
                else
                {
                    float[] targets = Targets(k, exactPre, approximate, rows);
                    LutModel model = Train(k, c, approximate, rows, targets);
                    layers[k] = new LutLayer(model, dense.Activation);
                    Report(k, c, NetworkCalibrator.EvaluateStage, 0, 1);
                    pre = LayerPass.Lut(model, approximate, rows, _cancellationToken);
                    Report(k, c, NetworkCalibrator.EvaluateStage, 1, 1);
                    reason = c == asked
                        ? "C = " + Text(c) + " as asked"
                        : "C = " + Text(c) + " (" + Text(asked) + " asked; a layer of " + Text(dense.InputDimension) +
                          " inputs has at most one codebook per input)";
                }

                approximate = LayerPass.Activate(dense.Activation, pre);
                exact = exactOut;
                results[k] = new LayerCalibration(k, dense.InputDimension, dense.OutputDimension, dense.Activation,
                    layers[k] is LutLayer lut ? lut.Model.Codebooks : 0, LayerPass.Nmse(approximate, exact),
                    Array.Empty<CalibrationTrial>(), reason);
            }

            return Result(layers, results, rows, rows, heldBack: false, approximate, exact, labels);
        }

        /// <summary>The automatic choice: trained on <paramref name="train"/>, measured on <paramref name="held"/>.</summary>
        public NetworkCalibrationResult Automatic(float[] train, int trainRows, float[] held, int heldRows, int[] heldLabels)
        {
            // The exact network's activations of the held-back rows at every layer.
            var exactHeld = new float[_layers][];
            float[] input = held;
            for (int k = 0; k < _layers; k++)
            {
                exactHeld[k] = LayerPass.Activate(Dense(k).Activation, ExactPreActivation(k, input, heldRows));
                input = exactHeld[k];
            }

            float[] exactFinal = exactHeld[_layers - 1];
            int outputs = _network.OutputDimension;
            double exactAccuracy = heldLabels.Length == 0 ? 0 : LayerPass.Accuracy(exactFinal, outputs, heldLabels);

            // Layer k's share of the budget: the exact network's cost up to and including layer k over its total cost.
            var share = new double[_layers];
            long total = 0, running = 0;
            for (int k = 0; k < _layers; k++)
            {
                total += (long)Dense(k).InputDimension * Dense(k).OutputDimension;
            }

            for (int k = 0; k < _layers; k++)
            {
                running += (long)Dense(k).InputDimension * Dense(k).OutputDimension;
                share[k] = k == _layers - 1 ? 1.0 : (double)running / total;
            }

            float[] approximateTrain = train, exactTrain = train, approximateHeld = held;
            var layers = new NetworkLayer[_layers];
            var results = new LayerCalibration[_layers];
            for (int k = 0; k < _layers; k++)
            {
                DenseLayer dense = Dense(k);
                float[] exactPre = ExactPreActivation(k, exactTrain, trainRows);
                double allowance = _budget * share[k];
                var trials = new List<CalibrationTrial>();
                LutModel? chosen = null;
                float[]? chosenHeld = null;
                string reason;
                if (_choices[k] == 0)
                {
                    reason = "kept exact as asked";
                }
                else
                {
                    float[] targets = Targets(k, exactPre, approximateTrain, trainRows);
                    double best = double.PositiveInfinity;
                    foreach (int c in CandidatesFor(dense.InputDimension))
                    {
                        LutModel model = Train(k, c, approximateTrain, trainRows, targets);
                        Report(k, c, NetworkCalibrator.EvaluateStage, 0, 1);
                        float[] candidateHeld = LayerPass.Activate(dense.Activation,
                            LayerPass.Lut(model, approximateHeld, heldRows, _cancellationToken));
                        double measured = Measure(k, candidateHeld, heldRows, exactFinal, exactAccuracy, heldLabels);
                        Report(k, c, NetworkCalibrator.EvaluateStage, 1, 1);
                        bool accepted = measured <= allowance;
                        trials.Add(new CalibrationTrial(c, measured, allowance, accepted));
                        best = Math.Min(best, measured);
                        if (accepted)
                        {
                            chosen = model;
                            chosenHeld = candidateHeld;
                            break;
                        }
                    }

                    reason = chosen is not null
                        ? "C = " + Text(chosen.Codebooks) + ": the cheapest candidate within its allowance (" +
                          Figure(trials[trials.Count - 1].Measured) + " ≤ " + Figure(allowance) + ")"
                        : "exact: no candidate was within its allowance of " + Figure(allowance) + " (best " +
                          Figure(best) + ")";
                }

                float[] exactOut = LayerPass.Activate(dense.Activation, exactPre);
                if (chosen is not null)
                {
                    layers[k] = new LutLayer(chosen, dense.Activation);
                    approximateTrain = LayerPass.Activate(dense.Activation,
                        LayerPass.Lut(chosen, approximateTrain, trainRows, _cancellationToken));
                    approximateHeld = chosenHeld!;
                }
                else
                {
                    layers[k] = dense;
                    approximateTrain = ReferenceEquals(approximateTrain, exactTrain)
                        ? exactOut
                        : LayerPass.Activate(dense.Activation, LayerPass.DensePreActivation(dense, approximateTrain, trainRows, _cancellationToken));
                    approximateHeld = LayerPass.Activate(dense.Activation,
                        LayerPass.DensePreActivation(dense, approximateHeld, heldRows, _cancellationToken));
                }

                exactTrain = exactOut;
                results[k] = new LayerCalibration(k, dense.InputDimension, dense.OutputDimension, dense.Activation,
                    chosen?.Codebooks ?? 0, LayerPass.Nmse(approximateHeld, exactHeld[k]), trials, reason);
            }

            return Result(layers, results, trainRows, heldRows, heldBack: true, approximateHeld, exactFinal, heldLabels);
        }

        // The candidates for a layer of d inputs: those up to d, or d itself when every candidate is larger.
        private IEnumerable<int> CandidatesFor(int d)
        {
            bool any = false;
            foreach (int c in _candidates)
            {
                if (c <= d)
                {
                    any = true;
                    yield return c;
                }
            }

            if (!any)
            {
                yield return d;
            }
        }

        // Accuracy loss or final-output NMSE of the held-back rows with layers ≤ k as chosen (their activations at k
        // given) and the layers after k exact.
        private double Measure(int k, float[] activations, int rows, float[] exactFinal, double exactAccuracy, int[] labels)
        {
            float[] y = activations;
            for (int j = k + 1; j < _layers; j++)
            {
                y = LayerPass.Activate(Dense(j).Activation, LayerPass.DensePreActivation(Dense(j), y, rows, _cancellationToken));
            }

            return _criterion == CalibrationCriterion.AccuracyLoss
                ? exactAccuracy - LayerPass.Accuracy(y, _network.OutputDimension, labels)
                : LayerPass.Nmse(y, exactFinal);
        }

        private NetworkCalibrationResult Result(NetworkLayer[] layers, LayerCalibration[] results, int trainRows,
            int evaluationRows, bool heldBack, float[] approximate, float[] exact, int[] labels)
        {
            long exactCost = 0;
            for (int k = 0; k < _layers; k++)
            {
                exactCost += (long)Dense(k).InputDimension * Dense(k).OutputDimension;
            }

            int outputs = _network.OutputDimension;
            double? accuracy = null, exactAccuracy = null;
            if (labels.Length != 0)
            {
                accuracy = LayerPass.Accuracy(approximate, outputs, labels);
                exactAccuracy = LayerPass.Accuracy(exact, outputs, labels);
            }

            LutNetwork network = _network.WithLayers(layers, _options.Producer);
            return new NetworkCalibrationResult(network, results, _criterion,
                _criterion == CalibrationCriterion.Fixed ? null : _budget, trainRows, evaluationRows, heldBack,
                LayerPass.Nmse(approximate, exact), accuracy, exactAccuracy, exactCost);
        }

        private DenseLayer Dense(int k) => (DenseLayer)_network.Layers[k];

        private float[] ExactPreActivation(int k, float[] x, int rows)
        {
            Report(k, 0, NetworkCalibrator.ExactStage, 0, 1);
            float[] pre = LayerPass.DensePreActivation(Dense(k), x, rows, _cancellationToken);
            Report(k, 0, NetworkCalibrator.ExactStage, 1, 1);
            return pre;
        }

        // The teacher's pre-activations, or the layer's own product of its approximated inputs.
        private float[] Targets(int k, float[] exactPre, float[] approximate, int rows)
            => _options.Targets == CalibrationTargets.Teacher
                ? exactPre
                : LayerPass.DensePreActivation(Dense(k), approximate, rows, _cancellationToken);

        private LutModel Train(int k, int codebooks, float[] x, int rows, float[] targets)
        {
            string name = _network.Name.Length > 200 ? _network.Name.Substring(0, 200) : _network.Name;
            var options = new MaddnessTrainerOptions
            {
                Codebooks = codebooks,
                RidgeLambda = _options.RidgeLambda,
                IncludePrototypes = false,
                Name = name + " layer " + k.ToString(CultureInfo.InvariantCulture),
                Producer = "KernelCompiler network calibration",
            };
            return MaddnessTrainer.TrainToTargets(x, rows, targets, Dense(k).OutputDimension, options,
                _progress is null ? null : new TrainerProgress(this, k, codebooks), _cancellationToken);
        }

        private void Report(int layer, int codebooks, string stage, int completed, int total)
            => _progress?.Report(new CalibrationProgress(layer, _layers, codebooks, stage, completed, total));

        private string Figure(double value) => _criterion == CalibrationCriterion.AccuracyLoss
            ? (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + " points"
            : "NMSE " + value.ToString("G4", CultureInfo.InvariantCulture);

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        // The trainer's progress, told as the calibration's, synchronously on the training thread.
        private sealed class TrainerProgress : IProgress<TrainingProgress>
        {
            private readonly CalibrationRun _run;
            private readonly int _layer, _codebooks;

            public TrainerProgress(CalibrationRun run, int layer, int codebooks)
            {
                _run = run;
                _layer = layer;
                _codebooks = codebooks;
            }

            public void Report(TrainingProgress value)
                => _run.Report(_layer, _codebooks, value.Stage, value.Completed, value.Total);
        }
    }
}
