// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Collections.Generic;

namespace KernelCompiler.Runtime
{
    /// <summary>
    /// The runtime's rule for which row phases the fused path's <c>EncodeRows</c> is called with: how many floats
    /// after a 64-byte line every row of row-major input starts, where the steps may then read whole lines. The
    /// runtime decides the phase (FusedKernelRuntime.RowPhase); the planner asks this rule which phases to write
    /// steps for, so the two cannot disagree.
    /// </summary>
    /// <remarks>Linked into the netstandard2.0 generator (the planner reads the rule there too): keep it free of APIs
    /// newer than netstandard2.0.</remarks>
    internal static class RowPhases
    {
        /// <summary>Floats per 64-byte line.</summary>
        public const int LineFloats = 16;

        /// <summary>Whether rows of <paramref name="inputDimension"/> floats starting <paramref name="phase"/> floats
        /// after a line are read by whole lines: the even phases (a .NET array's data starts 8 or 16 bytes off a line)
        /// where D is a multiple of 16, so every row starts at the same phase. Loads from lines then never straddle two
        /// (row-major Multiply measured 18–30 % slower on input 8 or 56 bytes off a line than on aligned input,
        /// docs/kernel-design.md); any other phase is run as phase 0, reading only inside each row.</summary>
        public static bool IsLinePhase(int inputDimension, int phase)
            => phase > 0 && phase < LineFloats && phase % 2 == 0 && inputDimension >= LineFloats && inputDimension % LineFloats == 0;

        /// <summary>Every phase besides 0 that <see cref="IsLinePhase"/> accepts for D, ascending.</summary>
        public static int[] All(int inputDimension)
        {
            var phases = new List<int>();
            for (int phase = 1; phase < LineFloats; phase++)
            {
                if (IsLinePhase(inputDimension, phase)) phases.Add(phase);
            }

            return phases.ToArray();
        }
    }
}
