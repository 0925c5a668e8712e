using KernelCompiler.Planning;
namespace KernelCompiler.Tests.Planning;

/// <summary>The decisions the planner makes once for both emitters.</summary>
public class KernelPlannerTests
{
    [Theory]
    [InlineData(KernelInstructionSet.Auto, "Avx512Vbmi,Avx2Fused,Avx512,Avx2,Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Avx512Vbmi, "Avx512Vbmi,Avx512,Avx2Fused,Avx2,Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Avx512, "Avx512,Avx2Fused,Avx2,Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Avx2Fused, "Avx2Fused,Avx2,Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Avx2, "Avx2,Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Vector128Fused, "Vector128Fused,Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Vector128, "Vector128,Scalar")]
    [InlineData(KernelInstructionSet.Scalar, "Scalar")]
    public void PathsAreTheChosenOneAndEveryNarrowerOne(KernelInstructionSet instructionSet, string expected)
    {
        var plan = KernelPlanner.Create(RandomModels.Create(1, 8, 2, 2), new KernelPlanOptions { InstructionSet = instructionSet });
        Assert.Equal(expected, string.Join(",", plan.Paths.Select(p => p.Name)));
        var blockRows = new Dictionary<string, int> { ["Avx512Vbmi"] = 16, ["Avx512"] = 64, ["Avx2Fused"] = 32, ["Avx2"] = 32, ["Vector128Fused"] = 16, ["Vector128"] = 16, ["Scalar"] = 1 };
        Assert.All(plan.Paths, p => Assert.Equal(blockRows[p.Name], p.RowsPerBlock));
        foreach (var path in plan.Paths)
        {
            // A block is one byte vector of rows (four float vectors), as is the fused AVX2 tile; the VBMI tile is one float vector.
            Assert.Equal(path.IsScalar ? 1 : path.InstructionSet == KernelInstructionSet.Avx512Vbmi ? path.FloatLanes : 4 * path.FloatLanes, path.RowsPerBlock);
        }
    }

    [Fact]
    public void TheFusedPathIsPlannedForModelsWithinItsLimits()
    {
        Assert.True(KernelPlanner.Create(RandomModels.Create(1, 8, 2, 2)).HasFusedPath);
        Assert.True(KernelPlanner.Create(RandomModels.Create(2, 300, 3, KernelPlan.MaxFusedCodebooks)).HasFusedPath);
        Assert.True(KernelPlanner.Create(RandomModels.Create(3, 8, 2, 2, LutAggregation.Average)).HasFusedPath);
        Assert.True(KernelPlanner.Create(RandomModels.Create(3, 300, KernelPlan.MaxFusedAverageOutputs, KernelPlan.MaxFusedCodebooks, LutAggregation.Average)).HasFusedPath);
        Assert.False(KernelPlanner.Create(RandomModels.Create(4, 300, 3, KernelPlan.MaxFusedCodebooks + 1)).HasFusedPath);
        Assert.False(KernelPlanner.Create(RandomModels.Create(4, 300, 3, 144, LutAggregation.Average)).HasFusedPath);
        Assert.False(KernelPlanner.Create(RandomModels.Create(5, 8, KernelPlan.MaxFusedOutputs + 1, 2)).HasFusedPath);
        // Average sums are those of a block of four tiles: M is held lower.
        Assert.True(KernelPlanner.Create(RandomModels.Create(5, 8, KernelPlan.MaxFusedAverageOutputs + 1, 2)).HasFusedPath);
        Assert.False(KernelPlanner.Create(RandomModels.Create(5, 8, KernelPlan.MaxFusedAverageOutputs + 1, 2, LutAggregation.Average)).HasFusedPath);
        // The generator cannot see the runtime, so the limits are written twice.
        Assert.Equal(KernelCompiler.Runtime.FusedKernelRuntime.MaxCodebooks, KernelPlan.MaxFusedCodebooks);
        Assert.Equal(KernelCompiler.Runtime.FusedKernelRuntime.MaxOutputs, KernelPlan.MaxFusedOutputs);
        Assert.Equal(KernelCompiler.Runtime.FusedKernelRuntime.MaxAverageOutputs, KernelPlan.MaxFusedAverageOutputs);
    }

    [Fact]
    public void FusedThresholdLanesPutNodeIOfLevelLAtLaneITimesTwoToTheFourMinusL()
    {
        var model = RandomModels.Create(6, 12, 2, 5);
        var plan = KernelPlanner.Create(model);
        for (int c = 0; c < model.Codebooks; c++)
        {
            Assert.All(plan.FusedLanes(c, 0), t => Assert.Equal(model.Threshold(c, 0, 0), t));
            for (int level = 1; level < LutModel.TreeDepth; level++)
            {
                float[] lanes = plan.FusedLanes(c, level);
                for (int node = 0; node < 1 << level; node++)
                {
                    Assert.Equal(model.Threshold(c, level, node), lanes[node << (LutModel.TreeDepth - level)]);
                }
            }
        }
    }

    [Fact]
    public void ModelsAreUnrolledUpToTheCodebookLimitThenTableDriven()
    {
        var normal = KernelPlanner.Create(RandomModels.Create(2, 64, 1000, KernelPlan.MaxUnrolledCodebooks));
        Assert.Equal(KernelStrategy.Unrolled, normal.Strategy);
        Assert.Null(normal.StrategyReason);

        var large = KernelPlanner.Create(RandomModels.Create(3, 300, 3, KernelPlan.MaxUnrolledCodebooks + 1));
        Assert.Equal(KernelStrategy.TableDriven, large.Strategy);
        Assert.Contains("33 codebooks", large.StrategyReason);

        var forced = KernelPlanner.Create(RandomModels.Create(4, 8, 2, 2), new KernelPlanOptions { Strategy = KernelStrategy.TableDriven });
        Assert.Equal(KernelStrategy.TableDriven, forced.Strategy);
        Assert.Contains("requested", forced.StrategyReason);

        var unrolled = KernelPlanner.Create(RandomModels.Create(5, 300, 3, 40), new KernelPlanOptions { Strategy = KernelStrategy.Unrolled });
        Assert.Equal(KernelStrategy.Unrolled, unrolled.Strategy);
    }

    [Fact]
    public void SlotsAreTheDistinctSplitDimensionsInOrder()
    {
        var model = RandomModels.Create(6, 40, 2, 5);
        var plan = KernelPlanner.Create(model);
        int[] distinct = model.SplitDimensions.ToArray().Distinct().Order().ToArray();
        Assert.Equal(distinct, plan.SlotDimensions);
        for (int c = 0; c < model.Codebooks; c++)
        {
            for (int level = 0; level < 4; level++)
            {
                Assert.Equal(model.SplitDimension(c, level), plan.SlotDimensions[plan.SlotOf(c, level)]);
            }
        }
    }

    [Fact]
    public void ThresholdLanesHoldEachLevelPaddedWithItsLastThreshold()
    {
        var model = RandomModels.Create(7, 10, 1, 3);
        var plan = KernelPlanner.Create(model);
        for (int c = 0; c < 3; c++)
        {
            for (int level = 0; level < 4; level++)
            {
                for (int j = 0; j < 8; j++)
                {
                    int node = Math.Min(j, (1 << level) - 1);
                    Assert.Equal(model.Threshold(c, level, node), plan.ThresholdLanes[c * 32 + level * 8 + j]);
                }
            }
        }
    }

    [Fact]
    public void HashIsTheSha256OfTheModelDocument()
    {
        var model = RandomModels.Create(8, 6, 2, 2);
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(model.ToJson())));
        Assert.Equal(expected, KernelPlanner.Create(model).ModelHash);
        Assert.NotEqual(expected, KernelPlanner.Create(model.WithAggregation(LutAggregation.Average)).ModelHash);
    }

    [Fact]
    public void LargeTablesAreEmbeddedAsBase64AndSmallOnesListed()
    {
        Assert.False(KernelPlanner.Create(RandomModels.Create(9, 8, 10, 4)).TablesAsBase64);
        var big = RandomModels.Create(10, 300, 1000, 64);
        Assert.True(KernelPlanner.Create(big).TablesAsBase64);
        string source = LutKernel.GenerateSource(big);
        Assert.Contains("DecodeTables(\"\"\"", source);
        Assert.Contains("\"\"\"u8);", source);
        Assert.True(source.Length < 8_000_000, "source length " + source.Length);
    }
}
