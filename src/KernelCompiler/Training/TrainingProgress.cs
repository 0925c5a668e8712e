namespace KernelCompiler.Training
{
    /// <summary>Progress of <c>MaddnessTrainer.Train</c>: <paramref name="Completed"/> of
    /// <paramref name="Total"/> steps of the named stage are done.</summary>
    /// <param name="Stage">The stage: <c>hash trees</c> (one step per codebook), <c>ridge refit</c>, <c>tables</c>.</param>
    /// <param name="Completed">Steps of the stage completed so far.</param>
    /// <param name="Total">Steps in the stage.</param>
    public readonly record struct TrainingProgress(string Stage, int Completed, int Total);
}
