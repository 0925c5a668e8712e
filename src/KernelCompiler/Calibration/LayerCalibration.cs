using System.Collections.Generic;

namespace KernelCompiler.Calibration
{
    /// <summary>What <see cref="NetworkCalibrator.Calibrate"/> made of one layer, and why.</summary>
    public sealed class LayerCalibration
    {
        internal LayerCalibration(int index, int inputDimension, int outputDimension, LayerActivation activation,
            int codebooks, double nmse, IReadOnlyList<CalibrationTrial> trials, string reason)
        {
            Index = index;
            InputDimension = inputDimension;
            OutputDimension = outputDimension;
            Activation = activation;
            Codebooks = codebooks;
            Nmse = nmse;
            Trials = trials;
            Reason = reason;
        }

        /// <summary>The layer's position, from 0.</summary>
        public int Index { get; }

        /// <summary>D, the layer's inputs a row.</summary>
        public int InputDimension { get; }

        /// <summary>M, the layer's outputs a row.</summary>
        public int OutputDimension { get; }

        /// <summary>The layer's activation.</summary>
        public LayerActivation Activation { get; }

        /// <summary>The LUT layer's codebooks, or 0 when the layer was kept exact.</summary>
        public int Codebooks { get; }

        /// <summary>True when the layer was kept exact (a dense float layer).</summary>
        public bool IsExact => Codebooks == 0;

        /// <summary>NMSE of the layer's activations in the calibrated network against the exact network's at the
        /// same layer, ‖â − a‖² / ‖a‖², on the evaluation rows (<see cref="NetworkCalibrationResult.EvaluationRows"/>):
        /// the error accumulated up to and including this layer.</summary>
        public double Nmse { get; }

        /// <summary>Table lookups (and byte additions) a row: C · M for a LUT layer, 0 for an exact one.</summary>
        public long LookupsPerRow => IsExact ? 0 : (long)Codebooks * OutputDimension;

        /// <summary>Float multiply-adds a row: D · M for an exact layer, 0 for a LUT layer.</summary>
        public long MultiplyAddsPerRow => IsExact ? (long)InputDimension * OutputDimension : 0;

        /// <summary>The layer's cost a row, <see cref="LookupsPerRow"/> + <see cref="MultiplyAddsPerRow"/> (see
        /// <see cref="NetworkCalibrator"/>).</summary>
        public long Cost => LookupsPerRow + MultiplyAddsPerRow;

        /// <summary>The candidates the automatic choice tried, in order; empty for a fixed choice.</summary>
        public IReadOnlyList<CalibrationTrial> Trials { get; }

        /// <summary>Why the layer is what it is, one sentence.</summary>
        public string Reason { get; }
    }
}
