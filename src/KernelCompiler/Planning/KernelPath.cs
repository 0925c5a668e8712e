// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
namespace KernelCompiler.Planning
{
    /// <summary>
    /// One instruction-set path of a kernel: how many rows one block holds and how many floats one vector holds.
    /// A block is as many rows as one byte vector has lanes, so the table lookup of a codebook is one shuffle;
    /// the encoder fills it in <see cref="RowsPerBlock"/> / <see cref="FloatLanes"/> groups of float vectors.
    /// </summary>
    internal sealed class KernelPath
    {
        internal KernelPath(KernelInstructionSet instructionSet, string name, int rowsPerBlock, int floatLanes, string guard)
        {
            InstructionSet = instructionSet;
            Name = name;
            RowsPerBlock = rowsPerBlock;
            FloatLanes = floatLanes;
            Guard = guard;
        }

        public KernelInstructionSet InstructionSet { get; }

        /// <summary>The path's name: the generated steps struct is <c>{Name}Steps</c>, e.g. <c>Avx2Steps</c>.</summary>
        public string Name { get; }

        /// <summary>Rows per block: 64 (AVX-512), 32 (AVX2), 16 (128-bit), 1 (scalar).</summary>
        public int RowsPerBlock { get; }

        /// <summary>Rows per encoder group: float lanes of one vector (16, 8, 4; 1 for scalar).</summary>
        public int FloatLanes { get; }

        /// <summary>The C# condition under which the CPU has the path's instructions; what runs is decided with it by
        /// <see cref="KernelPathPolicy"/> (which the emitters and the generic kernel share).</summary>
        public string Guard { get; }

        public bool IsScalar => InstructionSet == KernelInstructionSet.Scalar;

        /// <summary>The fused path runs through the runtime's tile loop (FusedKernelRuntime), not its block loop.</summary>
        public bool IsFused => InstructionSet == KernelInstructionSet.Avx512Vbmi || InstructionSet == KernelInstructionSet.Avx2Fused ||
            InstructionSet == KernelInstructionSet.Vector128Fused;

        /// <summary>Bits per vector: 512, 256, 128, or 0 for scalar.</summary>
        public int VectorBits => IsScalar ? 0 : FloatLanes * 32;

        /// <summary>The fused path (AVX-512 VBMI): tiles of 16 rows, four codebooks per permute; its loop lives in
        /// KernelCompiler.Runtime.FusedKernelRuntime, only its steps are emitted.</summary>
        internal static readonly KernelPath Avx512Vbmi = new KernelPath(KernelInstructionSet.Avx512Vbmi, "Avx512Vbmi", 16, 16, "global::KernelCompiler.Runtime.FusedKernelRuntime.IsSupported");
        /// <summary>The fused AVX2 path: tiles of 32 rows, one in-lane shuffle per codebook; its loop lives in
        /// KernelCompiler.Runtime.FusedAvx2KernelRuntime, only its steps are emitted.</summary>
        internal static readonly KernelPath Avx2Fused = new KernelPath(KernelInstructionSet.Avx2Fused, "Avx2Fused", 32, 8, "global::KernelCompiler.Runtime.FusedAvx2KernelRuntime.IsSupported");
        /// <summary>The fused 128-bit path (SSSE3, Arm64 AdvSimd): tiles of 16 rows, one byte shuffle per codebook; its
        /// loop lives in KernelCompiler.Runtime.FusedVector128KernelRuntime, only its steps are emitted.</summary>
        internal static readonly KernelPath Vector128Fused = new KernelPath(KernelInstructionSet.Vector128Fused, "Vector128Fused", 16, 4, "global::KernelCompiler.Runtime.FusedVector128KernelRuntime.IsSupported");
        internal static readonly KernelPath Avx512 = new KernelPath(KernelInstructionSet.Avx512, "Avx512", 64, 16, "Avx512BW.IsSupported");
        internal static readonly KernelPath Avx2 = new KernelPath(KernelInstructionSet.Avx2, "Avx2", 32, 8, "Avx2.IsSupported && Fma.IsSupported");
        internal static readonly KernelPath Vector128 = new KernelPath(KernelInstructionSet.Vector128, "Vector128", 16, 4, "Ssse3.IsSupported || AdvSimd.Arm64.IsSupported");
        internal static readonly KernelPath Scalar = new KernelPath(KernelInstructionSet.Scalar, "Scalar", 1, 1, "true");
    }
}
