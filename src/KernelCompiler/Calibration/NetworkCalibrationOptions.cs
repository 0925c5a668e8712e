using System.Collections.Generic;

namespace KernelCompiler.Calibration
{
    /// <summary>Options of <see cref="NetworkCalibrator.Calibrate"/>. Without <see cref="MaxAccuracyLoss"/> or
    /// <see cref="MaxNmse"/> the layers are fixed by <see cref="Codebooks"/>, <see cref="LayerCodebooks"/> and
    /// <see cref="ExactLayers"/>; with one of them the calibrator chooses (see <see cref="NetworkCalibrator"/>).</summary>
    public sealed class NetworkCalibrationOptions
    {
        /// <summary>The default of all candidate codebook counts the automatic choice tries, cheapest first.</summary>
        public static IReadOnlyList<int> DefaultCandidateCodebooks { get; } = new[] { 8, 16, 32, 64, 128, 256 };

        /// <summary>Codebooks of every LUT layer when <see cref="LayerCodebooks"/> is not given; a layer with fewer
        /// inputs gets one codebook per input. From 1 to 256; default 64.</summary>
        public int Codebooks { get; set; } = 64;

        /// <summary>Codebooks per layer, one entry per layer of the network; 0 keeps that layer exact. Not with an
        /// automatic choice.</summary>
        public IReadOnlyList<int>? LayerCodebooks { get; set; }

        /// <summary>Layers (from 0) kept exact: dense float layers as imported. Applies to fixed and automatic
        /// choices alike.</summary>
        public IReadOnlyCollection<int>? ExactLayers { get; set; }

        /// <summary>Choose automatically: the tolerated loss of argmax accuracy against the exact network on the
        /// held-back calibration rows, a fraction from 0 to 1 (0.01 = one point). Needs labels.</summary>
        public double? MaxAccuracyLoss { get; set; }

        /// <summary>Choose automatically: the tolerated NMSE of the final outputs against the exact network's on the
        /// held-back calibration rows, ‖Ŷ − Y‖² / ‖Y‖², greater than 0.</summary>
        public double? MaxNmse { get; set; }

        /// <summary>The codebook counts the automatic choice tries for each layer, cheapest first; counts above a
        /// layer's input dimension are skipped for it. Each from 1 to 256.</summary>
        public IReadOnlyList<int> CandidateCodebooks { get; set; } = DefaultCandidateCodebooks;

        /// <summary>What the LUT layers' tables are fitted to; <see cref="CalibrationTargets.Teacher"/> by default.</summary>
        public CalibrationTargets Targets { get; set; } = CalibrationTargets.Teacher;

        /// <summary>λ of the ridge table fit; finite and greater than 0; default 1.</summary>
        public double RidgeLambda { get; set; } = 1.0;

        /// <summary>Free text recorded in the calibrated network naming what produced it; null keeps the exact
        /// network's.</summary>
        public string? Producer { get; set; }
    }
}
