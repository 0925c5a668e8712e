// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;

namespace KernelCompiler.NetworkKernels
{
    /// <summary>
    /// Folds a float threshold of layer k+1 into an integer threshold on layer k's integer sums (the integer
    /// hand-off). A hidden unit's value is <c>activation(FusedMultiplyAdd((float)S, step, offset))</c>, exactly as the
    /// reference computes it (docs/algorithm.md §2), and the next encoder asks <c>value ≥ t</c> (§1). With step &gt; 0
    /// (the validator requires it) the value never decreases as S grows, so the decision is false below one integer s*
    /// and true from it on: <c>value ≥ t ⟺ S ≥ s*</c>. s* is found by binary search over S's range, evaluating the
    /// reference's own float expression, so the integer decision equals the float one for every S in the range.
    /// </summary>
    internal static class ThresholdFolding
    {
        /// <summary>The float decision the folded threshold replaces: the reference's dequantisation, activation
        /// and the encoder's <c>&gt;=</c>, in that order. The fused multiply-add is computed in software, bit for bit
        /// <c>MathF.FusedMultiplyAdd</c>, so the source generator (netstandard2.0) folds exactly as the runtime does.</summary>
        /// <param name="sum">The integer sum S (after any average-aggregation bias correction).</param>
        /// <param name="step">The unit's step.</param>
        /// <param name="offset">The unit's offset.</param>
        /// <param name="activation">The layer's activation.</param>
        /// <param name="threshold">The next layer's threshold t.</param>
        public static bool FloatDecision(int sum, float step, float offset, LayerActivation activation, float threshold)
            => NetworkLayer.Apply(activation, SoftwareFusedMultiplyAdd.Compute(sum, step, offset)) >= threshold;

        /// <summary>
        /// The largest integer g such that <c>S &gt; g ⟺ value(S) ≥ t</c> for every S in
        /// [<paramref name="low"/>, <paramref name="high"/>]: <c>low − 1</c> when every S passes (a threshold below the
        /// activation's floor, e.g. t ≤ 0 after ReLU), <paramref name="high"/> when none does (t above every reachable
        /// value, <c>float.MaxValue</c>, +∞, NaN), else s* − 1. The "greater than" form is what SIMD integer compares
        /// compute.
        /// </summary>
        /// <param name="low">The smallest S to decide for.</param>
        /// <param name="high">The largest S to decide for; at least <paramref name="low"/>, |S| &lt; 2^24 so the
        /// conversion to float is exact as in the reference.</param>
        /// <param name="step">The unit's step, finite and &gt; 0.</param>
        /// <param name="offset">The unit's offset, finite.</param>
        /// <param name="activation">The layer's activation.</param>
        /// <param name="threshold">The next layer's threshold; any float.</param>
        /// <returns>g.</returns>
        public static int FoldGreaterThan(int low, int high, float step, float offset, LayerActivation activation, float threshold)
        {
            if (high < low) throw new ArgumentOutOfRangeException(nameof(high), high, "Expected at least low = " + low + ".");
            if (!(step > 0f) || float.IsInfinity(step)) throw new ArgumentOutOfRangeException(nameof(step), step, "Expected a finite step > 0.");
            if (!LutModelValidator.IsFinite(offset)) throw new ArgumentOutOfRangeException(nameof(offset), offset, "Expected a finite offset.");

            // Invariant: decision(lo - 1) is false (or lo = low), decision(hi) is true (or hi = high + 1).
            int lo = low, hi = high + 1;
            while (lo < hi)
            {
                int mid = lo + (hi - lo) / 2;
                if (FloatDecision(mid, step, offset, activation, threshold))
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            return lo - 1;
        }
    }
}
