using System.Threading;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Compiled kernels are immutable and shared: many threads calling every entry point at once, each with its
/// own inputs, must each get exactly the reference's results.</summary>
public class ConcurrencyTests
{
    [Theory]
    [InlineData("emitted-Auto-Unrolled")]
    [InlineData("emitted-Auto-TableDriven")]
    [InlineData("emitted-Vector128-Unrolled")]
    [InlineData("reference")]
    public void ConcurrentCallsMatchTheReference(string backend)
    {
        LutModel model = RandomModels.Create(77, 21, 6, 8, LutAggregation.Average);
        LutKernel kernel = Backends.Create(backend, model);
        LutKernel reference = LutKernel.CreateReference(model);
        const int Threads = 8, Rounds = 40;
        int c = model.Codebooks, m = model.OutputDimension;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int round = 0; round < Rounds; round++)
            {
                int rows = 1 + (t * 31 + round * 17) % 90;
                float[] x = KernelEquivalence.Inputs(t * 1000 + round, model, rows);
                var expectedCodes = new byte[rows * c];
                var expected = new float[rows * m];
                var expectedSums = new int[rows * m];
                reference.Encode(x, expectedCodes);
                reference.Multiply(x, expected);
                reference.Aggregate(expectedCodes, expectedSums);

                var codes = new byte[rows * c];
                var y = new float[rows * m];
                var yt = new float[rows * m];
                var sums = new int[rows * m];
                kernel.Encode(x, codes);
                kernel.Multiply(x, y);
                kernel.MultiplyColumnMajor(RandomModels.Transpose(x, rows, model.InputDimension), yt);
                kernel.Aggregate(codes, sums);
                if (!codes.SequenceEqual(expectedCodes) || !sums.SequenceEqual(expectedSums) ||
                    !KernelEquivalence.Bits(y).SequenceEqual(KernelEquivalence.Bits(expected)) ||
                    !KernelEquivalence.Bits(yt).SequenceEqual(KernelEquivalence.Bits(expected)))
                {
                    failures.Enqueue("thread " + t + " round " + round + " rows " + rows);
                }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(failures);
    }
}
