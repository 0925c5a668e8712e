using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>What a kernel call computes; generated and emitted kernels pass it to the runtime.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public enum KernelOperation
    {
        /// <summary>Rows of floats into row-major codes (N × C).</summary>
        Encode,

        /// <summary>Row-major codes into the integer sums S (N × M).</summary>
        Aggregate,

        /// <summary>Rows of floats into outputs (N × M).</summary>
        Multiply,

        /// <summary>Row-major codes into outputs (N × M).</summary>
        MultiplyCodes,
    }
}
