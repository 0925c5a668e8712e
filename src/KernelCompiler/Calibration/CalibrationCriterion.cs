namespace KernelCompiler.Calibration
{
    /// <summary>How <see cref="NetworkCalibrator.Calibrate"/> chose the layers.</summary>
    public enum CalibrationCriterion
    {
        /// <summary>The caller fixed every layer's codebooks or exactness.</summary>
        Fixed = 0,

        /// <summary>Chosen automatically within a tolerated loss of argmax accuracy against the exact network.</summary>
        AccuracyLoss = 1,

        /// <summary>Chosen automatically within a tolerated NMSE of the final outputs against the exact network.</summary>
        Nmse = 2,
    }
}
