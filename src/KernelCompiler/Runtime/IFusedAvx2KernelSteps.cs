using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The model-specific steps of the fused AVX2 path, supplied by generated and emitted kernels and run by
    /// <see cref="FusedAvx2KernelRuntime"/>. Not meant to be implemented by hand: the contract is what the kernel planner
    /// writes (see docs/adding-an-instruction-set.md).
    /// </summary>
    /// <remarks>
    /// A tile is <see cref="FusedAvx2KernelRuntime.TileRows"/> (32) rows. Its codes are codebook-major: codebook c's codes
    /// for the tile's 32 rows are the 32 bytes at <c>(t · C + c) · 32</c>, row order, one byte vector that one in-lane
    /// shuffle (vpshufb) against the codebook's 16-byte table, repeated in both lanes, looks up. A tile's sums are
    /// output-major: output m's at <c>m · 32</c> (32-bit units), as 16-bit values modulo 2^16 in the order
    /// <see cref="FusedAvx2Tiles.StoreSums"/> writes them (even rows, then odd rows).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IFusedAvx2KernelSteps
    {
        /// <summary>The model these steps were written for (D, C, M, the aggregation and the data the runtime reads).</summary>
        KernelRuntimeModel Model { get; }

        /// <summary>Encodes <paramref name="tiles"/> tiles of column-major input: the value of dimension d in row r of
        /// tile t is at <c>x[d · stride + 32 · t + r]</c>.</summary>
        void EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles);

        /// <summary>Encodes <paramref name="tiles"/> tiles of row-major input: the value of dimension d in row r of
        /// tile t is at <c>x[(32 · t + r) · D + d]</c>; only values inside each row are read.</summary>
        void EncodeRows(ref float x, ref byte codes, nint tiles);

        /// <summary>The integer sums of every output for one tile of codes: S of docs/algorithm.md §2 for exact models,
        /// S' for average ones.</summary>
        void Scan(ref byte codes, ref int sums);
    }
}
