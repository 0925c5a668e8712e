namespace KernelCompiler.Calibration
{
    /// <summary>One candidate the automatic choice tried for a layer, measured on the held-back calibration rows with
    /// the layers before it as chosen and the layers after it exact.</summary>
    /// <param name="Codebooks">The candidate's codebooks.</param>
    /// <param name="Measured">Its accuracy loss (a fraction, exact minus approximate) or its final-output NMSE, by
    /// the criterion.</param>
    /// <param name="Allowance">What the layer was allowed (see <see cref="NetworkCalibrator"/>).</param>
    /// <param name="Accepted">Whether the candidate was kept (the first within its allowance).</param>
    public readonly record struct CalibrationTrial(int Codebooks, double Measured, double Allowance, bool Accepted);
}
