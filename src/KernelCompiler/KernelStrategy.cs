// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>How a kernel holds the model: as code (constants in straight-line code) or as data read in loops.</summary>
    public enum KernelStrategy
    {
        /// <summary>Let the planner choose: unrolled unless the model is too large to unroll.</summary>
        Auto = 0,

        /// <summary>One block of straight-line code per codebook: split dimensions and thresholds are constants.</summary>
        Unrolled = 1,

        /// <summary>Loops over the codebooks that read split dimensions and thresholds from data.</summary>
        TableDriven = 2,
    }
}
