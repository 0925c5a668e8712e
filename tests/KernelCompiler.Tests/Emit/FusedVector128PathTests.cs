using KernelCompiler.Emit;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace KernelCompiler.Tests.Emit;

/// <summary>A fact that needs the fused 128-bit path (SSSE3 on x86, AdvSimd on Arm64); skipped elsewhere.</summary>
public sealed class FusedVector128FactAttribute : FactAttribute
{
    public FusedVector128FactAttribute()
    {
        if (!FusedVector128KernelRuntime.IsSupported) Skip = "This CPU lacks SSSE3 and Arm64 AdvSimd: no fused 128-bit path to run.";
    }
}

/// <summary>The fused 128-bit path (FusedVector128KernelRuntime over emitted steps) on its own: it does every row from
/// its first one on wherever a tile is left, bit for bit as the reference, and leaves fewer rows and the other
/// operations to the next path. The engine matrix runs it through every entry point and backend besides.</summary>
public class FusedVector128PathTests
{
    private static BlockStepsRun FusedRun(LutModel model)
    {
        var kernel = (EmittedKernel)LutKernel.Compile(model, new LutKernelOptions { InstructionSet = KernelInstructionSet.Vector128Fused });
        Assert.StartsWith("Vector128Fused, Vector128, ", kernel.PathNames);
        return kernel.BlockPaths.Single(p => p.Path.InstructionSet == KernelInstructionSet.Vector128Fused).Run;
    }

    [FusedVector128Fact]
    public void EveryRowFromTheFirstIsTheReferences()
    {
        var exact = LutAggregation.Exact;
        var average = LutAggregation.Average;
        // M from 1 to 20 (below 4 the stores go lane by lane; from 4 the last group of four overlaps), C from 1 to 128.
        foreach (var (d, m, c, aggregation) in new[] { (70, 9, 32, exact), (13, 3, 5, exact), (40, 17, 18, exact), (300, 20, 64, exact),
            (64, 1, 16, exact), (9, 8, 1, exact), (20, 4, 3, exact), (33, 2, 7, exact), (70, 9, 32, average), (13, 3, 2, average),
            (40, 17, 16, average), (300, 20, 64, average), (48, 1, 8, average), (5, 2, 1, average), (22, 5, 4, average),
            (200, 2, 128, exact), (200, 6, 128, average) })
        {
            LutModel model = RandomModels.Create(70 + c + m, d, m, c, aggregation);
            BlockStepsRun run = FusedRun(model);
            LutKernel reference = LutKernel.CreateReference(model);
            foreach (int rows in new[] { 15, 16, 17, 31, 32, 47, 100, 333 })
            {
                float[] x = RandomModels.Rows(rows + c, model, rows);
                float[] xt = RandomModels.Transpose(x, rows, d);
                var expected = new float[rows * m];
                reference.Multiply(x, expected);
                foreach (bool columnMajor in new[] { false, true })
                {
                    foreach (int first in new[] { 0, 1, 7 })
                    {
                        string where = aggregation + ", C=" + c + ", M=" + m + ", rows=" + rows + ", first=" + first + (columnMajor ? ", column-major" : ", row-major");
                        var actual = new float[rows * m];
                        int done = run(KernelOperation.Multiply, columnMajor ? xt : x, default, rows, first, columnMajor, default, default, actual);
                        if (rows - first < FusedVector128KernelRuntime.TileRows)
                        {
                            Assert.True(done == first, where + ": fewer rows than a tile are the next path's.");
                            Assert.All(actual, v => Assert.Equal(0f, v));
                            continue;
                        }

                        Assert.True(done == rows, where + ": the fused path left rows.");
                        Assert.True(actual.AsSpan(0, first * m).IndexOfAnyExcept(0f) < 0, where + ": rows before the first were written.");
                        Assert.True(expected.AsSpan(first * m).SequenceEqual(actual.AsSpan(first * m)), where + ": outputs differ from the reference.");
                    }
                }
            }
        }
    }

    /// <summary>The 16-bit sums at their extremes: every table entry 255 at the largest C the path takes (exact: 255 · C;
    /// average: the largest G · U less the bias) and every entry 0 (average: −bias, a negative sum), with step 1 and
    /// offset 0 so each output is the integer sum itself; M = 9 (grouped stores) and M = 2 (lane by lane).</summary>
    [FusedVector128Fact]
    public void SumsAtTheirExtremesAreExact()
    {
        const int c = KernelPlan.MaxFusedCodebooks, d = 40, rows = 70;
        foreach (int m in new[] { 9, 2 })
        {
            foreach (LutAggregation aggregation in new[] { LutAggregation.Exact, LutAggregation.Average })
            {
                foreach (byte entry in new byte[] { 255, 0 })
                {
                    LutModel random = RandomModels.Create(11, d, m, c, aggregation);
                    var tables = new byte[m * c * 16];
                    tables.AsSpan().Fill(entry);
                    LutModel model = random.WithTables(tables, Enumerable.Repeat(1f, m).ToArray(), new float[m], m);
                    float expectedSum = aggregation == LutAggregation.Exact ? entry * c : entry * c - model.AverageBiasCorrection;
                    float[] x = RandomModels.Rows(3, model, rows);
                    var expected = new float[rows * m];
                    LutKernel.CreateReference(model).Multiply(x, expected);
                    Assert.All(expected, v => Assert.Equal(expectedSum, v));
                    var actual = new float[rows * m];
                    Assert.Equal(rows, FusedRun(model)(KernelOperation.Multiply, x, default, rows, 0, false, default, default, actual));
                    Assert.True(expected.AsSpan().SequenceEqual(actual), aggregation + ", M=" + m + ", entries " + entry + ": outputs differ from the reference.");
                }
            }
        }
    }

    /// <summary>The stores' multiply-add without an FMA instruction (x86 without FMA) rounds as MathF.FusedMultiplyAdd:
    /// on a sum whose double rounding lands on a float midpoint (1 + 2^-24 + 2^-60, which a plain double multiply-add
    /// rounds down to 1), on its mirror images, and on random sums, steps and offsets of widely apart magnitudes.</summary>
    [Fact]
    public void TheMultiplyAddWithoutFmaRoundsOnce()
    {
        // 104353 · 658529 = 2^36 + 1, so 104353 · (658529 · 2^-60) = 2^-24 + 2^-60.
        float step = 658529f * MathF.Pow(2, -60), midpointCase = 1f + MathF.Pow(2, -23);
        var cases = new List<(float Sum, float Step, float Offset)> { (104353, step, 1f), (-104353, step, -1f), (104353, -step, -1f), (-104353, -step, 1f) };
        Assert.Equal(midpointCase, MathF.FusedMultiplyAdd(104353, step, 1f));
        Assert.NotEqual(midpointCase, (float)(104353d * step + 1d));
        var random = new Random(15);
        for (int i = 0; i < 200_000; i++)
        {
            float sum = random.Next(-131071, 131072);
            float s = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-70, 40)));
            float o = (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-70, 40)));
            cases.Add((sum, s, o));
            cases.Add((sum, s, -sum * s + o * 1e-7f));
        }

        for (int i = 0; i + 4 <= cases.Count; i += 4)
        {
            Vector128<float> actual = FusedVector128KernelRuntime.MultiplyAddRoundedOnce(
                Vector128.Create(cases[i].Sum, cases[i + 1].Sum, cases[i + 2].Sum, cases[i + 3].Sum),
                Vector128.Create(cases[i].Step, cases[i + 1].Step, cases[i + 2].Step, cases[i + 3].Step),
                Vector128.Create(cases[i].Offset, cases[i + 1].Offset, cases[i + 2].Offset, cases[i + 3].Offset));
            for (int lane = 0; lane < 4; lane++)
            {
                var (sum, s, o) = cases[i + lane];
                float expected = MathF.FusedMultiplyAdd(sum, s, o);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual.GetElement(lane)),
                    "fma(" + sum + ", " + s.ToString("R") + ", " + o.ToString("R") + "): " + expected.ToString("R") + " expected, " +
                    actual.GetElement(lane).ToString("R") + " computed");
            }
        }
    }

    [FusedVector128Fact]
    public void OtherOperationsAreLeftToTheNextPath()
    {
        LutModel model = RandomModels.Create(5, 40, 3, 8);
        BlockStepsRun run = FusedRun(model);
        float[] x = RandomModels.Rows(1, model, 64);
        var codes = new byte[64 * 8];
        Assert.Equal(0, run(KernelOperation.Encode, x, default, 64, 0, false, codes, default, default));
        Assert.Equal(3, run(KernelOperation.Aggregate, default, codes, 64, 3, false, default, new int[64 * 3], default));
        Assert.Equal(0, run(KernelOperation.MultiplyCodes, default, codes, 64, 0, false, default, default, new float[64 * 3]));
    }

    /// <summary>Auto runs the fused 128-bit path first wherever the CPU has SSSE3 (or Arm64 AdvSimd) but no AVX2 (run
    /// the suite with DOTNET_EnableAVX2=0 to see it take it), and after the wider paths where it has them.</summary>
    [Fact]
    public void AutoTakesTheFusedVector128PathWhereAvx2IsMissing()
    {
        string paths = ((EmittedKernel)LutKernel.Compile(RandomModels.Create(6, 40, 3, 8))).PathNames;
        bool wider = FusedAvx2KernelRuntime.IsSupported || (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported);
        if (FusedVector128KernelRuntime.IsSupported && !wider)
        {
            Assert.StartsWith("Vector128Fused, Vector128, ", paths);
        }
        else if (FusedVector128KernelRuntime.IsSupported)
        {
            Assert.Contains(", Vector128Fused, Vector128, ", paths);
        }
        else
        {
            Assert.DoesNotContain("Vector128Fused", paths);
        }
    }

    [Fact]
    public void TheFusedVector128PathIsPlannedWithinTheFusedLimitsOnly()
    {
        bool Has(LutModel model) => KernelPlanner.Create(model).Paths.Contains(KernelPath.Vector128Fused);
        Assert.True(Has(RandomModels.Create(1, 8, 2, 2)));
        Assert.True(Has(RandomModels.Create(2, 8, 2, 2, LutAggregation.Average)));
        Assert.False(Has(RandomModels.Create(4, 300, 3, KernelPlan.MaxFusedCodebooks + 1)));
        Assert.False(Has(RandomModels.Create(5, 8, KernelPlan.MaxFusedOutputs + 1, 2)));
        Assert.DoesNotContain(KernelPath.Vector128Fused,
            KernelPlanner.Create(RandomModels.Create(1, 8, 2, 2), new KernelPlanOptions { InstructionSet = KernelInstructionSet.Vector128 }).Paths);
    }
}
