namespace KernelCompiler.Calibration
{
    /// <summary>What a LUT layer's tables are fitted to during <see cref="NetworkCalibrator.Calibrate"/>.</summary>
    public enum CalibrationTargets
    {
        /// <summary>The exact network's pre-activations at that layer (a teacher): the layer learns to undo the error
        /// of the approximated layers before it instead of adding to it. The default.</summary>
        Teacher = 0,

        /// <summary>The layer's own exact product of its approximated inputs, <c>x̃ · W + b</c>: what training each
        /// layer on its own does (no teacher).</summary>
        LayerOutputs = 1,
    }
}
