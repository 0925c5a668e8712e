using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.Generic;

namespace KernelCompiler.Tests.Engines;

/// <summary>The partitioned overloads: the same outputs as one call on one thread, bit for bit, on every engine, with
/// partition edges inside blocks, a partial last block and more partitions than cores.</summary>
public class ParallelTests
{
    // Three partitions of at least MinRowsPerPartition rows, the last one not a whole number of blocks.
    private static readonly int Rows = 3 * LutKernel.MinRowsPerPartition + 37;

    public static TheoryData<string> Engines()
    {
        var data = EngineMatrix.Names();
        data.Add("reference");
        return data;
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void PartitionedMultiplyEqualsOneCall(string engine)
    {
        // An exact model and an average one (the fused path runs average models in blocks of four tiles).
        foreach (LutModel model in new[] { RandomModels.Create(61, 23, 5, 7), RandomModels.Create(64, 40, 6, 16, LutAggregation.Average) })
        {
            LutKernel kernel = engine == "reference" ? LutKernel.CreateReference(model) : EngineMatrix.Create(engine, model);
            float[] x = RandomModels.Rows(62, model, Rows);
            float[] xt = RandomModels.Transpose(x, Rows, model.InputDimension);
            var expected = new float[Rows * model.OutputDimension];
            kernel.Multiply(x, expected);
            foreach (int workers in new[] { 1, 2, 3, -1 })
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
                var rowMajor = new float[expected.Length];
                var columnMajor = new float[expected.Length];
                kernel.Multiply(x, rowMajor, options);
                kernel.MultiplyColumnMajor(xt, columnMajor, options);
                Assert.Equal(expected, rowMajor);
                Assert.Equal(expected, columnMajor);
            }
        }
    }

    [Fact]
    public void ArgumentsAreCheckedAndCancellationIsHonoured()
    {
        var model = RandomModels.Create(63, 9, 2, 3);
        LutKernel kernel = GenericKernel.Create(model);
        float[] x = RandomModels.Rows(64, model, Rows);
        var destination = new float[Rows * model.OutputDimension];
        Assert.Throws<ArgumentNullException>("parallelOptions", () => kernel.Multiply(x, destination, null!));
        Assert.Throws<ArgumentException>("destination", () => kernel.MultiplyColumnMajor(x, destination.AsSpan(1), new ParallelOptions()));
        Assert.Throws<ArgumentException>("x", () => kernel.Multiply(x.AsSpan(1), destination, new ParallelOptions()));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            kernel.MultiplyColumnMajor(x, destination, new ParallelOptions { CancellationToken = cancelled.Token }));
    }
}
