namespace KernelCompiler.Runtime
{
    /// <summary>
    /// Measurement only: stages of the fused paths' Multiply (<see cref="FusedKernelRuntime"/>,
    /// <see cref="FusedAvx2KernelRuntime"/>) that a benchmark may switch off, so timing encode alone, encode + scan and
    /// the whole call gives each stage's cost by difference without a timer inside the tile loop. The outputs are
    /// wrong while any stage is skipped. Read once per call; 0 (the default) runs everything.
    /// </summary>
    internal static class FusedStageSkips
    {
        /// <summary>Skip the scan (the stores then write whatever sums the buffer holds).</summary>
        public const int Scan = 1;

        /// <summary>Skip dequantising and storing the outputs.</summary>
        public const int Stores = 2;

        /// <summary>The stages skipped: a combination of <see cref="Scan"/> and <see cref="Stores"/>.</summary>
        internal static int Skipped;
    }
}
