namespace KernelCompiler.Training
{
    /// <summary>How the trainer turns learned buckets into float tables before quantisation (docs/algorithm.md §3, §4d).</summary>
    public enum TableFitting
    {
        /// <summary>Tables are prototype · B, the paper's method; they can be rebuilt for any B from the prototypes.</summary>
        Prototypes = 0,

        /// <summary>Tables are ridge-fitted to the training outputs A · B directly, which needs the training rows.</summary>
        Outputs = 1,
    }
}
