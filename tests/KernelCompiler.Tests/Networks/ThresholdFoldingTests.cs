using KernelCompiler;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Tests.Networks;

/// <summary>The integer hand-off: every folded threshold decides exactly as the reference's float expression, for
/// every sum in the range (exhaustively), and at the boundary ± 1.</summary>
public sealed class ThresholdFoldingTests
{
    private static readonly LayerActivation[] Activations = [LayerActivation.Identity, LayerActivation.Relu];

    /// <summary>Asserts the fold for every S in [low, high], and that g sits where the decision turns.</summary>
    private static void AssertFold(int low, int high, float step, float offset, LayerActivation activation, float t)
    {
        int g = ThresholdFolding.FoldGreaterThan(low, high, step, offset, activation, t);
        Assert.InRange(g, low - 1, high);
        for (int s = low; s <= high; s++)
        {
            bool expected = ThresholdFolding.FloatDecision(s, step, offset, activation, t);
            if (expected != s > g)
            {
                Assert.Fail($"S = {s}, g = {g}, step = {step:R}, offset = {offset:R}, {activation}, t = {t:R}: float says {expected}");
            }
        }
    }

    [Fact]
    public void Special_thresholds_fold_to_always_or_never()
    {
        foreach (LayerActivation a in Activations)
        {
            // Above every reachable value: never.
            Assert.Equal(1000, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, a, float.MaxValue));
            Assert.Equal(1000, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, a, float.PositiveInfinity));
            Assert.Equal(1000, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, a, float.NaN));

            // Below every reachable value: always.
            Assert.Equal(-1, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, a, float.NegativeInfinity));
            Assert.Equal(-1, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, a, -1e30f));
        }

        // Below ReLU's floor: every value is ≥ 0 ≥ t, even where the pre-activation is negative.
        Assert.Equal(-1, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, LayerActivation.Relu, 0f));
        Assert.Equal(-1, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, LayerActivation.Relu, -0f));
        Assert.Equal(-1, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, LayerActivation.Relu, -5f));

        // Identity does not have that floor: −3 + 0.01·S ≥ −2 from S = 100.
        Assert.Equal(99, ThresholdFolding.FoldGreaterThan(0, 1000, 0.01f, -3f, LayerActivation.Identity, -2f));
        AssertFold(0, 1000, 0.01f, -3f, LayerActivation.Identity, -2f);

        // Average aggregation: S can be negative (G · U − correction).
        AssertFold(-12, 4000, 0.25f, 1f, LayerActivation.Relu, 0.5f);
        AssertFold(-12, 4000, 0.25f, 1f, LayerActivation.Identity, -1.5f);
    }

    [Fact]
    public void Ties_fold_onto_the_sum_that_reaches_the_threshold()
    {
        // t equal to a reachable value: that sum goes right (>=), the one below it left.
        foreach (LayerActivation a in Activations)
        {
            float step = 0.0137f, offset = -1.3f;
            for (int s = 1; s <= 1000; s += 37)
            {
                float t = NetworkLayer.Apply(a, MathF.FusedMultiplyAdd(s, step, offset));
                int g = ThresholdFolding.FoldGreaterThan(0, 1000, step, offset, a, t);
                Assert.True(s > g, "the sum reaching t must pass");
                AssertFold(0, 1000, step, offset, a, t);
                AssertFold(0, 1000, step, offset, a, BitDecrement(t));
                AssertFold(0, 1000, step, offset, a, MathF.BitIncrement(t));
            }
        }
    }

    [Fact]
    public void Huge_and_tiny_steps_fold_exactly()
    {
        (float Step, float Offset)[] cases =
        [
            (1e30f, -1e34f),              // products overflow past float.MaxValue to +inf
            (3e34f, float.MinValue),      // starts at −MaxValue, crosses zero
            (float.Epsilon, 0f),          // subnormal step: most sums round to the same few values
            (1e-40f, -1e-38f),
            (1e-7f, 1f),                  // steps below the offset's ulp: many sums share one float
            (0.5f, 16_777_216f),
        ];
        float[] thresholds = [0f, -0f, 1f, -1f, 1e-38f, float.Epsilon, 1e34f, -1e34f, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 16_777_216f, 16_777_217f, 16_777_218f, 1.0000001f];
        foreach ((float step, float offset) in cases)
        {
            foreach (LayerActivation a in Activations)
            {
                foreach (float t in thresholds)
                {
                    AssertFold(0, 65_280, step, offset, a, t);
                }

                // Thresholds equal to values the sums reach, and their neighbours.
                for (int s = 0; s <= 65_280; s += 4_352)
                {
                    float v = NetworkLayer.Apply(a, MathF.FusedMultiplyAdd(s, step, offset));
                    AssertFold(0, 65_280, step, offset, a, v);
                    AssertFold(0, 65_280, step, offset, a, BitDecrement(v));
                }
            }
        }
    }

    [Fact]
    public void Random_folds_match_the_float_decision_for_every_sum()
    {
        var random = new Random(1414);
        for (int trial = 0; trial < 400; trial++)
        {
            int high = random.Next(4) == 0 ? 65_280 : random.Next(1, 2_000);
            int low = random.Next(3) == 0 ? -random.Next(0, 30) : 0;
            float step = (float)Math.Pow(10, random.NextDouble() * 8 - 6);
            float offset = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.NextDouble() * 6 - 2));
            LayerActivation a = Activations[random.Next(2)];
            float t = random.Next(5) switch
            {
                0 => NetworkLayer.Apply(a, MathF.FusedMultiplyAdd(random.Next(low, high + 1), step, offset)),
                1 => (float)(random.NextDouble() * 2 - 1),
                _ => MathF.FusedMultiplyAdd(random.Next(low, high + 1), step, offset) + (float)(random.NextDouble() - 0.5) * step,
            };
            AssertFold(low, high, step, offset, a, t);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdFolding.FoldGreaterThan(5, 4, 1f, 0f, LayerActivation.Identity, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdFolding.FoldGreaterThan(0, 4, 0f, 0f, LayerActivation.Identity, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdFolding.FoldGreaterThan(0, 4, -1f, 0f, LayerActivation.Identity, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdFolding.FoldGreaterThan(0, 4, float.NaN, 0f, LayerActivation.Identity, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdFolding.FoldGreaterThan(0, 4, 1f, float.PositiveInfinity, LayerActivation.Identity, 0f));
    }

    private static float BitDecrement(float v) => MathF.BitDecrement(v);
}
