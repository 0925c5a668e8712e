using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The model-specific steps of the fused AVX-512 VBMI path, supplied by generated and emitted kernels and run by
    /// <see cref="FusedKernelRuntime"/>. Not meant to be implemented by hand: the contract is what the kernel planner
    /// writes (see docs/kernel-design.md).
    /// </summary>
    /// <remarks>
    /// A tile is 16 rows. Codebooks are taken four at a time (P = ⌈C / 4⌉ packed groups, missing codebooks encode as 0 and
    /// look up 0); a group's codes for a tile are one vector of 16 dwords, byte j of row r's dword being
    /// <c>16 · j + code</c>, i.e. the index of that code in the group's 64-byte table for <c>vpermb</c>. Packed codes
    /// of tile t, group g start at element <c>(t · P + g) · 16</c>; sums of tile t, output m at
    /// <c>(t · M + m) · 16</c>.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IFusedKernelSteps
    {
        /// <summary>The model these steps were written for (D, C, M, the aggregation and the data the runtime reads):
        /// carried by the steps, so the shape the runtime tiles over is the one the steps were compiled for.</summary>
        KernelRuntimeModel Model { get; }

        /// <summary>Encodes <paramref name="tiles"/> tiles of column-major input: the value of dimension d in row r of
        /// tile t is at <c>x[d · stride + 16 · t + r]</c>.</summary>
        void EncodeColumns(ref float x, nint stride, ref uint packed, nint tiles);

        /// <summary>Encodes <paramref name="tiles"/> tiles of row-major input: the value of dimension d in row r of
        /// tile t is at <c>x[(16 · t + r) · D + d]</c>. With <paramref name="phase"/> p &gt; 0 (every row starts p floats
        /// after a 64-byte line; D a multiple of 16) the steps may read whole lines: up to p floats before each row and
        /// 16 − p after it, which the caller guarantees are inside the input; with 0, only inside each row.</summary>
        void EncodeRows(ref float x, ref uint packed, nint tiles, int phase);

        /// <summary>The integer sums of every output for <paramref name="tiles"/> tiles. Exact models: the exact sums S
        /// of tiles of packed codes. Average models (<see cref="KernelRuntimeModel.Aggregation"/> Average; the runtime runs them in their own layout): S' of docs/algorithm.md
        /// §2 for blocks of four tiles in the average layout (<paramref name="tiles"/> a multiple of 4; see
        /// FusedKernelRuntime.Average.cs), written in the same tile layout.</summary>
        void Scan(ref uint packed, ref int sums, nint tiles);
    }
}
