using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The model-specific steps of the fused 128-bit path (SSSE3 on x86, AdvSimd on Arm64), supplied by generated and
    /// emitted kernels and run by <see cref="FusedVector128KernelRuntime"/>. Not meant to be implemented by hand: the
    /// contract is what the kernel planner writes (see docs/adding-an-instruction-set.md).
    /// </summary>
    /// <remarks>
    /// A tile is <see cref="FusedVector128KernelRuntime.TileRows"/> (16) rows. Its codes are codebook-major: codebook c's
    /// codes for the tile's 16 rows are the 16 bytes at <c>(t · C + c) · 16</c>, row order, one byte vector that one
    /// byte shuffle (pshufb, tbl) against the codebook's 16-byte table looks up. A tile's sums are output-major: output
    /// m's 16 words at <c>m · 16</c>, 16-bit values modulo 2^16 in the order <see cref="FusedVector128Tiles.StoreSums"/>
    /// writes them (the eight even rows, then the eight odd rows).
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface IFusedVector128KernelSteps
    {
        /// <summary>The model these steps were written for (D, C, M, the aggregation and the data the runtime reads).</summary>
        KernelRuntimeModel Model { get; }

        /// <summary>Encodes <paramref name="tiles"/> tiles of column-major input: the value of dimension d in row r of
        /// tile t is at <c>x[d · stride + 16 · t + r]</c>.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="stride">Floats from one column to the next (N).</param>
        /// <param name="codes">The first tile's codes.</param>
        /// <param name="tiles">How many tiles.</param>
        void EncodeColumns(ref float x, nint stride, ref byte codes, nint tiles);

        /// <summary>Encodes <paramref name="tiles"/> tiles of row-major input: the value of dimension d in row r of
        /// tile t is at <c>x[(16 · t + r) · D + d]</c>; only values inside each row are read.</summary>
        /// <param name="x">The first row of the first tile.</param>
        /// <param name="codes">The first tile's codes.</param>
        /// <param name="tiles">How many tiles.</param>
        void EncodeRows(ref float x, ref byte codes, nint tiles);

        /// <summary>The integer sums of every output for one tile of codes: S of docs/algorithm.md §2 for exact models,
        /// S' for average ones, stored by <see cref="FusedVector128Tiles.StoreSums"/>.</summary>
        /// <param name="codes">The tile's codes.</param>
        /// <param name="sums">The tile's sums, 16 words an output.</param>
        void Scan(ref byte codes, ref ushort sums);
    }
}
