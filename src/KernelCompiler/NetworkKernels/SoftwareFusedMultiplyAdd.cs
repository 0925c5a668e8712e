// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>
    /// <c>MathF.FusedMultiplyAdd</c> without the instruction or the API: netstandard2.0 (the source generator, which
    /// folds thresholds with <see cref="ThresholdFolding"/>) has neither, and the folding must reproduce the
    /// reference's fused multiply-add exactly, not approximately.
    /// </summary>
    /// <remarks>
    /// The product of two floats (24-bit significands) has at most 48 significant bits, so <c>(double)a · b</c> is
    /// exact (no overflow or underflow: float magnitudes squared stay within double's range). The sum
    /// <c>p + c</c> is rounded once to double, and TwoSum gives its exact error. Rounding the exact sum to double
    /// with round-to-odd (keep s when exact or odd, else step to the neighbour towards the error) and then to float
    /// rounds correctly, because double carries at least two more bits than float at every float magnitude
    /// (Boldo and Melquiond, "When double rounding is odd", 2005). Tested against <c>MathF.FusedMultiplyAdd</c> on
    /// millions of random and edge triples.
    /// </remarks>
    internal static class SoftwareFusedMultiplyAdd
    {
        /// <summary><c>a · b + c</c> rounded once to float, round to nearest even: bit for bit
        /// <c>MathF.FusedMultiplyAdd(a, b, c)</c>, including infinities, NaN, signed zeros and subnormals.</summary>
        public static float Compute(float a, float b, float c)
        {
            double p = (double)a * b;
            double s = p + c;
            if (double.IsNaN(s) || double.IsInfinity(s))
            {
                // Only reachable with an infinite or NaN operand (finite floats cannot overflow here): no rounding.
                return (float)s;
            }

            // TwoSum: p + c = s + e exactly.
            double bv = s - p;
            double e = (p - (s - bv)) + (c - bv);
            if (e != 0)
            {
                long bits = BitConverter.DoubleToInt64Bits(s);
                if ((bits & 1) == 0)
                {
                    // s is even and inexact: round-to-odd is s's neighbour towards the exact sum.
                    bits += (e > 0) == (s > 0) ? 1 : -1;
                    s = BitConverter.Int64BitsToDouble(bits);
                }
            }

            return (float)s;
        }
    }
}
