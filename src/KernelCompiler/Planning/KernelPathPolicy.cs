// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Runtime;
#endif

namespace KernelCompiler.Planning
{
    /// <summary>
    /// The one policy for which instruction-set path runs, shared by every backend: the planner's list of paths for
    /// a requested instruction set, the guard the C# writer writes before each path, the same guard evaluated by the IL
    /// emitter, and the generic kernel's choice of path.
    /// </summary>
    /// <remarks>
    /// A forced instruction set runs its path wherever the CPU has the instructions. <see cref="KernelInstructionSet.Auto"/>
    /// also honours <c>Vector512.IsHardwareAccelerated</c>: the runtime reports 512-bit vectors as not accelerated
    /// where they cost clock speed (some Intel parts), and Auto then starts at the AVX2 path. The AVX2 path needs FMA
    /// as well as AVX2, forced or not (the generic kernel's AVX2 loop uses it). Linked into the netstandard2.0
    /// generator, where only the text half compiles (the evaluated half is under <c>#if NET</c>).
    /// </remarks>
    internal static class KernelPathPolicy
    {
        /// <summary>Every path, widest first; each plan holds a suffix of this list (the fused path only where the model
        /// fits it).</summary>
        private static readonly KernelPath[] Widest =
            { KernelPath.Avx512Vbmi, KernelPath.Avx512, KernelPath.Avx2Fused, KernelPath.Avx2, KernelPath.Vector128Fused, KernelPath.Vector128,
              KernelPath.Scalar };

        /// <summary>The paths a plan holds for <paramref name="requested"/>, widest first, ending with scalar: from the
        /// requested path down (Auto from the widest, the fused AVX2 path ahead of the AVX-512 blocks); the fused paths
        /// only where <paramref name="fuse"/>.</summary>
        public static KernelPath[] PathsFor(KernelInstructionSet requested, bool fuse)
        {
            KernelInstructionSet first = requested == KernelInstructionSet.Auto ? KernelInstructionSet.Avx512Vbmi : requested;
            int start = Array.FindIndex(Widest, p => p.InstructionSet == first);
            if (start < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown instruction set.");
            }

            var paths = new System.Collections.Generic.List<KernelPath>();
            for (int i = start; i < Widest.Length; i++)
            {
                if (fuse || !Widest[i].IsFused)
                {
                    paths.Add(Widest[i]);
                }
            }

            if (requested == KernelInstructionSet.Auto)
            {
                PreferFusedAvx2(paths);
            }

            return paths.ToArray();
        }

        /// <summary>Under Auto, the fused AVX2 path goes before the AVX-512 block path: on an AVX-512 CPU without VBMI it
        /// is 3.3–5.5× faster (benchmarks/results/2026-12-03-fused-speed.md); with VBMI the fused VBMI path before both
        /// takes every Multiply, and the fused AVX2 path leaves the other operations to the block paths.</summary>
        private static void PreferFusedAvx2(System.Collections.Generic.List<KernelPath> paths)
        {
            int fused = paths.IndexOf(KernelPath.Avx2Fused), blocks = paths.IndexOf(KernelPath.Avx512);
            if (fused > blocks && blocks >= 0)
            {
                paths.RemoveAt(fused);
                paths.Insert(blocks, KernelPath.Avx2Fused);
            }
        }

        /// <summary>The C# condition under which <paramref name="path"/> runs: its hardware guard, under Auto with
        /// <c>Vector512.IsHardwareAccelerated</c> before a 512-bit one.</summary>
        public static string Guard(KernelPath path, bool auto)
            => auto && path.VectorBits == 512 ? "Vector512.IsHardwareAccelerated && " + path.Guard : path.Guard;

#if NET
        /// <summary><see cref="Guard"/>, evaluated now.</summary>
        public static bool IsSupported(KernelPath path, bool auto)
        {
            if (auto && path.VectorBits == 512 && !Vector512.IsHardwareAccelerated)
            {
                return false;
            }

            switch (path.InstructionSet)
            {
                case KernelInstructionSet.Avx512Vbmi:
                    return FusedKernelRuntime.IsSupported;
                case KernelInstructionSet.Avx512:
                    return Avx512BW.IsSupported;
                case KernelInstructionSet.Avx2Fused:
                    return FusedAvx2KernelRuntime.IsSupported;
                case KernelInstructionSet.Avx2:
                    return Avx2.IsSupported && Fma.IsSupported;
                case KernelInstructionSet.Vector128Fused:
                    return FusedVector128KernelRuntime.IsSupported;
                case KernelInstructionSet.Vector128:
                    return Ssse3.IsSupported || AdvSimd.Arm64.IsSupported;
                default:
                    return true;
            }
        }

        /// <summary>The widest block path (no fused one) this CPU runs for <paramref name="requested"/>: the generic
        /// kernel's path.</summary>
        public static KernelInstructionSet ChooseBlockPath(KernelInstructionSet requested)
        {
            bool auto = requested == KernelInstructionSet.Auto;
            foreach (KernelPath path in PathsFor(requested, fuse: false))
            {
                if (IsSupported(path, auto))
                {
                    return path.InstructionSet;
                }
            }

            return KernelInstructionSet.Scalar;
        }
#endif
    }
}
