using System.ComponentModel;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The network-specific steps of a fused network kernel: each LUT layer's encode (its split slots and thresholds,
    /// float thresholds for a layer reading floats, folded integer thresholds for a layer reading the previous layer's
    /// raw sums), once per vector width the runtime's tile loop runs. Generated network classes and emitted network
    /// kernels supply a struct of these, built from constants; the table-driven kernel supplies one that reads the plan
    /// as data. The tile loop is generic over the struct, so the JIT compiles one copy of it per network with direct
    /// calls. Not meant to be implemented by hand: the contract is what the network writer and emitter write (see
    /// docs/networks.md).
    /// </summary>
    /// <remarks>
    /// A tile is 64 rows (<see cref="NetworkEncodeSteps.TileRows"/>); <c>values</c> is the layer's input tile,
    /// slot-major (<c>values[slot · 64 + r]</c>, floats or 16-bit raw sums), <c>codes</c> the layer's codes in the
    /// layout of the path (see <see cref="NetworkEncodeSteps"/>). Both must be pinned (the runtime's workspace is).
    /// <c>layer</c> arguments are indices into the network's layers; only LUT layers are encoded.
    /// </remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public interface INetworkKernelSteps
    {
        /// <summary>Encodes LUT layer <paramref name="layer"/> for a tile with scalar code (also the x86 128-bit width).</summary>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="values">The first byte of the layer's input tile.</param>
        /// <param name="codes">The first byte of the tile's codes.</param>
        void EncodeScalar(int layer, ref byte values, ref byte codes);

        /// <summary>Encodes LUT layer <paramref name="layer"/> with Arm64 AdvSimd (the 128-bit width on Arm64).</summary>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="values">The first byte of the layer's input tile.</param>
        /// <param name="codes">The first byte of the tile's codes.</param>
        void EncodeAdvSimd(int layer, ref byte values, ref byte codes);

        /// <summary>Encodes LUT layer <paramref name="layer"/> with 256-bit vectors (AVX2). The first layer reads the
        /// transposed tile of every column where <see cref="NetworkEncodeSteps"/> says so.</summary>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="values">The first byte of the layer's input tile.</param>
        /// <param name="codes">The first byte of the tile's codes.</param>
        void Encode256(int layer, ref byte values, ref byte codes);

        /// <summary>Encodes LUT layer <paramref name="layer"/> with 512-bit vectors (AVX-512BW), codes per codebook.</summary>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="values">The first byte of the layer's input tile.</param>
        /// <param name="codes">The first byte of the tile's codes.</param>
        void Encode512(int layer, ref byte values, ref byte codes);

        /// <summary>Encodes exact-aggregation LUT layer <paramref name="layer"/> with 512-bit vectors into the codes
        /// layout of the 64-byte table lookups (AVX-512 VBMI): groups of four codebooks.</summary>
        /// <param name="layer">The layer's index in the network.</param>
        /// <param name="values">The first byte of the layer's input tile.</param>
        /// <param name="codes">The first byte of the tile's codes.</param>
        void EncodeQuads512(int layer, ref byte values, ref byte codes);
    }
}
