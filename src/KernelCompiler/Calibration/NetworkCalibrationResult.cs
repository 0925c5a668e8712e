using System.Collections.Generic;

namespace KernelCompiler.Calibration
{
    /// <summary>The result of <see cref="NetworkCalibrator.Calibrate"/>: the calibrated network, what was chosen for
    /// each layer and why, and how it measures against the exact network.</summary>
    public sealed class NetworkCalibrationResult
    {
        internal NetworkCalibrationResult(LutNetwork network, IReadOnlyList<LayerCalibration> layers,
            CalibrationCriterion criterion, double? budget, int trainingRows, int evaluationRows, bool heldBack,
            double nmse, double? accuracy, double? exactAccuracy, long exactCost)
        {
            Network = network;
            Layers = layers;
            Criterion = criterion;
            Budget = budget;
            TrainingRows = trainingRows;
            EvaluationRows = evaluationRows;
            EvaluatedOnHeldBackRows = heldBack;
            Nmse = nmse;
            Accuracy = accuracy;
            ExactAccuracy = exactAccuracy;
            ExactCost = exactCost;
        }

        /// <summary>The calibrated network: LUT layers and the layers kept exact, with the exact network's input,
        /// head and output transform.</summary>
        public LutNetwork Network { get; }

        /// <summary>One entry per layer, in order.</summary>
        public IReadOnlyList<LayerCalibration> Layers { get; }

        /// <summary>How the layers were chosen.</summary>
        public CalibrationCriterion Criterion { get; }

        /// <summary>The tolerated accuracy loss or NMSE of an automatic choice; null for a fixed one.</summary>
        public double? Budget { get; }

        /// <summary>Calibration rows the layers were trained on.</summary>
        public int TrainingRows { get; }

        /// <summary>Rows the figures of this result are measured on: the held-back calibration rows of an automatic
        /// choice, else all calibration rows (then the figures are in-sample).</summary>
        public int EvaluationRows { get; }

        /// <summary>True when the figures come from held-back rows the layers were not trained on.</summary>
        public bool EvaluatedOnHeldBackRows { get; }

        /// <summary>NMSE of the calibrated network's final outputs against the exact network's on the evaluation rows.</summary>
        public double Nmse { get; }

        /// <summary>Argmax accuracy of the calibrated network on the evaluation rows (a fraction); null without labels.</summary>
        public double? Accuracy { get; }

        /// <summary>Argmax accuracy of the exact network on the same rows; null without labels.</summary>
        public double? ExactAccuracy { get; }

        /// <summary>Table lookups a row over all layers.</summary>
        public long LookupsPerRow
        {
            get
            {
                long sum = 0;
                foreach (LayerCalibration layer in Layers)
                {
                    sum += layer.LookupsPerRow;
                }

                return sum;
            }
        }

        /// <summary>Float multiply-adds a row over all layers (those kept exact).</summary>
        public long MultiplyAddsPerRow
        {
            get
            {
                long sum = 0;
                foreach (LayerCalibration layer in Layers)
                {
                    sum += layer.MultiplyAddsPerRow;
                }

                return sum;
            }
        }

        /// <summary>The calibrated network's cost a row: <see cref="LookupsPerRow"/> + <see cref="MultiplyAddsPerRow"/>.</summary>
        public long Cost => LookupsPerRow + MultiplyAddsPerRow;

        /// <summary>The exact network's cost a row: the multiply-adds of all its layers.</summary>
        public long ExactCost { get; }
    }
}
