using KernelCompiler.Generic;
using KernelCompiler.Planning;
using KernelCompiler.Runtime;
using KernelCompiler.Tests.Emit;

namespace KernelCompiler.Tests.Engines;

/// <summary>The generic kernel on the fused AVX2 path: its data-driven steps (<see cref="GenericFusedAvx2Steps"/>) run
/// by FusedAvx2KernelRuntime do every row from the first one on, bit for bit as the reference, over C 1–128, M 1–20,
/// both layouts and both aggregations; the kernel takes that path exactly where the policy and the planner's fuse
/// conditions say so.</summary>
public class GenericFusedAvx2Tests
{
    private static readonly (int C, int M)[] Shapes =
    [
        (1, 1), (1, 20), (2, 3), (3, 7), (4, 8), (5, 9), (8, 1), (15, 16), (16, 20), (17, 2), (31, 5), (32, 9),
        (48, 17), (64, 20), (100, 3), (128, 1), (128, 20),
    ];

    /// <summary>C values average aggregation allows (docs/algorithm.md §2).</summary>
    private static bool AverageAllows(int c) => c is 1 or 2 or 4 or 8 || c % 16 == 0;

    [FusedAvx2Fact]
    public void EveryRowFromTheFirstIsTheReferences()
    {
        foreach (var (c, m) in Shapes)
        {
            foreach (LutAggregation aggregation in new[] { LutAggregation.Exact, LutAggregation.Average })
            {
                if (aggregation == LutAggregation.Average && !AverageAllows(c)) continue;
                int d = 3 * c + 7;
                LutModel model = RandomModels.Create(90 + c + m, d, m, c, aggregation);
                GenericFusedAvx2Steps steps = GenericFusedAvx2Steps.Create(model);
                LutKernel reference = LutKernel.CreateReference(model);
                foreach (int rows in new[] { 31, 32, 33, 95, 333 })
                {
                    float[] x = RandomModels.Rows(rows + c, model, rows);
                    float[] xt = RandomModels.Transpose(x, rows, d);
                    var expected = new float[rows * m];
                    reference.Multiply(x, expected);
                    foreach (bool columnMajor in new[] { false, true })
                    {
                        foreach (int first in new[] { 0, 1, 7 })
                        {
                            string where = aggregation + ", C=" + c + ", M=" + m + ", rows=" + rows + ", first=" + first +
                                (columnMajor ? ", column-major" : ", row-major");
                            var actual = new float[rows * m];
                            int done = FusedAvx2KernelRuntime.Run(steps, KernelOperation.Multiply, columnMajor ? xt : x, default, rows, first,
                                columnMajor, default, default, actual);
                            if (rows - first < FusedAvx2KernelRuntime.TileRows)
                            {
                                Assert.True(done == first, where + ": fewer rows than a tile are the next path's.");
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
    }

    /// <summary>Through the kernel's public entry points (the fused runtime for whole tiles, the AVX2 blocks for fewer
    /// rows), both layouts, equal to the reference and to the emitted fused kernel.</summary>
    [FusedAvx2Fact]
    public void KernelMultiplyIsTheReferencesAndTheEmittedKernels()
    {
        foreach (var (c, m, aggregation) in new[] { (16, 10, LutAggregation.Exact), (37, 3, LutAggregation.Exact), (64, 20, LutAggregation.Average),
            (2, 1, LutAggregation.Average) })
        {
            LutModel model = RandomModels.Create(7 + c, 50, m, c, aggregation);
            var kernel = GenericKernel.Create(model, KernelInstructionSet.Avx2Fused);
            Assert.Equal(KernelInstructionSet.Avx2Fused, kernel.MultiplyPath);
            Assert.Equal(KernelInstructionSet.Avx2, kernel.InstructionSet);
            LutKernel emitted = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = KernelInstructionSet.Avx2Fused });
            LutKernel reference = LutKernel.CreateReference(model);
            foreach (int rows in new[] { 1, 31, 32, 70, 1000 })
            {
                float[] x = RandomModels.Rows(rows, model, rows);
                float[] xt = RandomModels.Transpose(x, rows, 50);
                var expected = new float[rows * m];
                reference.Multiply(x, expected);
                var fromEmitted = new float[rows * m];
                emitted.MultiplyColumnMajor(xt, fromEmitted);
                Assert.True(expected.AsSpan().SequenceEqual(fromEmitted), "emitted, C=" + c + ", rows=" + rows);
                var actual = new float[rows * m];
                kernel.Multiply(x, actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), "row-major, C=" + c + ", rows=" + rows);
                actual.AsSpan().Clear();
                kernel.MultiplyColumnMajor(xt, actual);
                Assert.True(expected.AsSpan().SequenceEqual(actual), "column-major, C=" + c + ", rows=" + rows);
            }
        }
    }

    /// <summary>Multiply on the fused runtime allocates nothing per call (C = 128, M = 256 average and M = 300 exact:
    /// the largest stack scratch and a rented sums buffer), both layouts.</summary>
    [FusedAvx2Fact]
    public void HotPathAllocatesNothing()
    {
        foreach (var (m, aggregation) in new[] { (256, LutAggregation.Average), (300, LutAggregation.Exact) })
        {
            LutModel model = RandomModels.Create(3, 700, m, KernelPlan.MaxFusedCodebooks, aggregation);
            var kernel = GenericKernel.Create(model, KernelInstructionSet.Avx2Fused);
            Assert.Equal(KernelInstructionSet.Avx2Fused, kernel.MultiplyPath);
            int rows = 150;
            float[] x = RandomModels.Rows(3, model, rows);
            var y = new float[rows * m];
            void Run()
            {
                kernel.Multiply(x, y);
                kernel.MultiplyColumnMajor(x, y);
            }

            Run(); // compiles everything first
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    /// <summary>The 16-bit sums at their extremes: every table entry 255 at the largest C the path takes and every entry
    /// 0 (average: −bias, a negative sum), step 1 and offset 0, so each output is the integer sum itself.</summary>
    [FusedAvx2Fact]
    public void SumsAtTheirExtremesAreExact()
    {
        const int c = KernelPlan.MaxFusedCodebooks, m = 9, d = 40, rows = 70;
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
                var kernel = GenericKernel.Create(model, KernelInstructionSet.Avx2Fused);
                Assert.Equal(KernelInstructionSet.Avx2Fused, kernel.MultiplyPath);
                var actual = new float[rows * m];
                kernel.Multiply(x, actual);
                Assert.All(actual, v => Assert.Equal(expectedSum, v));
            }
        }
    }

    /// <summary>The fused AVX2 path is taken where the policy lists it first among the paths the generic kernel has and
    /// the planner would fuse the model; never past the fused limits or where a block path is forced.</summary>
    [FusedAvx2Fact]
    public void MultiplyPathFollowsThePolicyAndTheFuseConditions()
    {
        LutModel fits = RandomModels.Create(1, 8, 2, 2);
        Assert.Equal(KernelInstructionSet.Avx2Fused, GenericKernel.Create(fits, KernelInstructionSet.Avx2Fused).MultiplyPath);
        Assert.Equal(KernelInstructionSet.Avx2, GenericKernel.Create(fits, KernelInstructionSet.Avx2).MultiplyPath);
        Assert.Equal(KernelInstructionSet.Avx2,
            GenericKernel.Create(RandomModels.Create(4, 300, 3, KernelPlan.MaxFusedCodebooks + 1), KernelInstructionSet.Avx2Fused).MultiplyPath);
        Assert.Equal(KernelInstructionSet.Avx2,
            GenericKernel.Create(RandomModels.Create(5, 8, KernelPlan.MaxFusedAverageOutputs + 1, 2, LutAggregation.Average),
                KernelInstructionSet.Avx2Fused).MultiplyPath);
        // Auto: the first path of the emitters' list that this kernel has (it has no fused VBMI steps).
        var expected = KernelPlanner.Create(fits).Paths
            .First(p => p.InstructionSet != KernelInstructionSet.Avx512Vbmi && KernelPathPolicy.IsSupported(p, auto: true)).InstructionSet;
        var auto = GenericKernel.Create(fits);
        Assert.Equal(expected, auto.MultiplyPath);
        Assert.Equal(GenericKernel.ChoosePath(KernelInstructionSet.Auto), auto.InstructionSet);
    }
}
