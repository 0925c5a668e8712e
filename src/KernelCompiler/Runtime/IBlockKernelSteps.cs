using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The model-specific steps of one block path (AVX-512, AVX2, 128-bit or scalar), supplied by generated and emitted
    /// kernels and run by <see cref="BlockKernelRuntime"/>. Not meant to be implemented by hand: the contract is what
    /// the kernel planner writes (see docs/kernel-design.md).
    /// </summary>
    /// <remarks>
    /// A block is <see cref="BlockRows"/> rows. Its slots (the values of each split dimension) are column-major: slot s
    /// of row r at <c>slots[s · BlockRows + r]</c>; its codes codebook-major: code of codebook c for row r at
    /// <c>block[c · BlockRows + r]</c>.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IBlockKernelSteps
    {
        /// <summary>The model these steps were written for (D, C, M, the aggregation and the data the runtime reads):
        /// carried by the steps, so the shape the runtime loops over is the one the steps were compiled for.</summary>
        KernelRuntimeModel Model { get; }

        /// <summary>Rows per block.</summary>
        int BlockRows { get; }

        /// <summary>Rows per <see cref="EncodeGroup"/> call (a vector of floats; 1 on the scalar path).</summary>
        int GroupRows { get; }

        /// <summary>Writes the codes of every codebook for the <see cref="GroupRows"/> rows of the block from row
        /// <paramref name="row"/>.</summary>
        void EncodeGroup(ref float slots, ref byte block, nint row);

        /// <summary>Writes the integer sums of one output for every row of the block: <paramref name="table"/> is that
        /// output's C × 16 table bytes, <paramref name="sums"/> has <see cref="BlockRows"/> elements.</summary>
        void AggregateBlock(ref byte block, ref byte table, ref int sums);
    }
}
