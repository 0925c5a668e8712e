// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler
{
    /// <summary>The widest SIMD path a kernel may use. Narrower choices exist so every path can be tested on a CPU
    /// that has a wider one.</summary>
    public enum KernelInstructionSet
    {
        /// <summary>The best the running CPU supports.</summary>
        Auto = 0,

        /// <summary>512-bit vectors with AVX-512 BW (in-lane byte shuffles).</summary>
        Avx512 = 1,

        /// <summary>256-bit vectors with AVX2.</summary>
        Avx2 = 2,

        /// <summary>128-bit vectors: SSSE3 on x86, AdvSimd on Arm64.</summary>
        Vector128 = 3,

        /// <summary>Plain scalar code.</summary>
        Scalar = 4,

        /// <summary>512-bit vectors with AVX-512 VBMI as well: the fused path, which looks up four codebooks of 16 rows
        /// per byte permute (vpermb) and sums with vpmaddubsw for exact aggregation, or one codebook of 64 rows per
        /// permute combined with vpavgb for average aggregation; models past its limits, and CPUs without VBMI, take
        /// the <see cref="Avx512"/> path. Auto picks it where it runs. Kernels without a fused path (the generic
        /// kernel) treat it as <see cref="Avx512"/>.</summary>
        Avx512Vbmi = 5,

        /// <summary>256-bit vectors with AVX2 and FMA, fused: tiles of 32 rows are encoded with the model's thresholds
        /// compiled in and looked up at once (one in-lane byte shuffle per codebook for 32 rows), without the block
        /// paths' copy of the split columns. Auto picks it on CPUs with AVX2 and FMA but no AVX-512 VBMI, ahead of the
        /// <see cref="Avx512"/> block path, which it outruns; models past the fused limits take the block paths. Kernels
        /// without a fused path (the generic kernel) treat it as <see cref="Avx2"/>.</summary>
        Avx2Fused = 6,

        /// <summary>128-bit vectors, fused: SSSE3 on x86 (SSE4.1 and FMA used where present), AdvSimd on Arm64. Tiles of
        /// 16 rows are encoded with the model's thresholds compiled in and looked up at once (one byte shuffle, pshufb or
        /// tbl, per codebook for 16 rows), without the block paths' copy of the split columns. Auto picks it on CPUs
        /// without AVX2 (and on Arm64); models past the fused limits take the <see cref="Vector128"/> path. Kernels
        /// without a fused path (the generic kernel) treat it as <see cref="Vector128"/>.</summary>
        Vector128Fused = 7,
    }
}
