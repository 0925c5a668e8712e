namespace KernelCompiler.Calibration
{
    /// <summary>Progress of <see cref="NetworkCalibrator.Calibrate"/>: <paramref name="Completed"/> of
    /// <paramref name="Total"/> steps of <paramref name="Stage"/> are done for layer <paramref name="Layer"/>.</summary>
    /// <param name="Layer">The layer being calibrated, from 0.</param>
    /// <param name="Layers">The number of layers in the network.</param>
    /// <param name="Codebooks">The codebooks of the candidate being trained or evaluated; 0 for an exact layer or a
    /// stage that trains nothing.</param>
    /// <param name="Stage">One of <see cref="NetworkCalibrator.ExactStage"/>, <see cref="Training.MaddnessTrainer.TreesStage"/>,
    /// <see cref="Training.MaddnessTrainer.TablesStage"/>, <see cref="NetworkCalibrator.EvaluateStage"/>.</param>
    /// <param name="Completed">Steps of the stage completed so far.</param>
    /// <param name="Total">Steps in the stage.</param>
    public readonly record struct CalibrationProgress(int Layer, int Layers, int Codebooks, string Stage, int Completed, int Total);
}
