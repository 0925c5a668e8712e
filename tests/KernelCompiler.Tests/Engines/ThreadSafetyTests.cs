using System.Threading;

namespace KernelCompiler.Tests.Engines;

/// <summary>One kernel instance called from many threads at once on different inputs: every result must still equal
/// the reference (a kernel with shared scratch would mix rows between threads).</summary>
public class ThreadSafetyTests
{
    private const int Threads = 8;
    private const int Rounds = 40;

    [Theory]
    [MemberData(nameof(EngineMatrix.Names), MemberType = typeof(EngineMatrix))]
    public void ConcurrentCallsMatchTheReference(string engine)
    {
        var model = RandomModels.Create(31, 70, 12, 16);
        var reference = LutKernel.CreateReference(model);
        var inputs = new (float[] X, float[] XColumnMajor, byte[] Codes, int[] Sums, float[] Y)[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int rows = 97 + 41 * t; // different sizes, most with a partial last block
            float[] x = RandomModels.Rows(500 + t, model, rows);
            var codes = new byte[rows * model.Codebooks];
            var sums = new int[rows * model.OutputDimension];
            var y = new float[rows * model.OutputDimension];
            reference.Encode(x, codes);
            reference.Aggregate(codes, sums);
            reference.Multiply(x, y);
            inputs[t] = (x, RandomModels.Transpose(x, rows, model.InputDimension), codes, sums, y);
        }

        LutKernel kernel = EngineMatrix.Create(engine, model);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                var (x, xt, codes, sums, y) = inputs[t];
                start.SignalAndWait();
                for (int round = 0; round < Rounds; round++)
                {
                    var c = new byte[codes.Length];
                    var s = new int[sums.Length];
                    var f = new float[y.Length];
                    switch ((round + t) % 4)
                    {
                        case 0: kernel.Encode(x, c); Check(codes, c, "Encode"); break;
                        case 1: kernel.Aggregate(codes, s); Check(sums, s, "Aggregate"); break;
                        case 2: kernel.Multiply(x, f); Check(y, f, "Multiply"); break;
                        default: kernel.MultiplyColumnMajor(xt, f); Check(y, f, "MultiplyColumnMajor"); break;
                    }
                }
            }
            catch (Exception e)
            {
                failures.Enqueue("thread " + t + ": " + e.Message);
            }

            void Check<T>(T[] expected, T[] actual, string what)
            {
                if (!expected.AsSpan().SequenceEqual(actual)) failures.Enqueue("thread " + t + ": " + what + " differs from the reference");
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        Assert.Empty(failures);
    }
}
