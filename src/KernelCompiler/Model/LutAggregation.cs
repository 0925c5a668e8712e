// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>How the looked-up table entries of the codebooks are combined (docs/algorithm.md §2).</summary>
    public enum LutAggregation
    {
        /// <summary>Exact integer sum of the table entries: the default.</summary>
        Exact = 0,

        /// <summary>
        /// The paper's 8-bit trick: rounding averages within groups of 16 codebooks, then a bias-corrected sum.
        /// Faster, less accurate; only for C in {1, 2, 4, 8} or a multiple of 16.
        /// </summary>
        Average = 1,
    }
}
