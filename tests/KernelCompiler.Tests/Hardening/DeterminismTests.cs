using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.Training;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Training gives the same model (byte for byte in ToJson) on every run with the same data and options,
/// however many workers its parallel loops get.</summary>
public class DeterminismTests
{
    private static (float[] A, int Rows, float[] B, int M, float[] Bias) Data(int seed)
    {
        var rng = new Random(seed);
        int rows = 600, d = 24, m = 5;
        var a = new float[rows * d];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) + (i % d) * 0.1f;
        var b = new float[d * m];
        for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
        var bias = new float[m];
        for (int i = 0; i < m; i++) bias[i] = i;
        return (a, rows, b, m, bias);
    }

    private static string Train(int seed, LutAggregation aggregation, TableFitting fitting)
    {
        (float[] a, int rows, float[] b, int m, float[] bias) = Data(seed);
        var options = new MaddnessTrainerOptions { Codebooks = 8, Aggregation = aggregation, TableFitting = fitting, Name = "det" };
        return MaddnessTrainer.Train(a, rows, b, m, bias, options).ToJson();
    }

    // Runs training on a scheduler that runs at most `workers` tasks at once: Parallel.For inside the trainer uses
    // TaskScheduler.Current, so this changes how its work is split among threads.
    private static string TrainWithWorkers(int workers, int seed, LutAggregation aggregation, TableFitting fitting)
    {
        var pair = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, workers);
        return Task.Factory.StartNew(() => Train(seed, aggregation, fitting), CancellationToken.None, TaskCreationOptions.None,
            pair.ConcurrentScheduler).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(1, LutAggregation.Exact, TableFitting.Prototypes)]
    [InlineData(2, LutAggregation.Average, TableFitting.Prototypes)]
    [InlineData(3, LutAggregation.Exact, TableFitting.Outputs)]
    public void SameDataAndOptionsGiveTheSameModelWithAnyNumberOfWorkers(int seed, LutAggregation aggregation, TableFitting fitting)
    {
        string first = Train(seed, aggregation, fitting);
        Assert.Equal(first, Train(seed, aggregation, fitting));
        foreach (int workers in new[] { 1, 2, 3, 8 })
        {
            Assert.Equal(first, TrainWithWorkers(workers, seed, aggregation, fitting));
        }

        // More pool threads than cores (oversubscribed), restored afterwards.
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        try
        {
            ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), minIo);
            Assert.Equal(first, Train(seed, aggregation, fitting));
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }

        Assert.NotEqual(first, Train(seed + 100, aggregation, fitting)); // the data matters, so the comparison can fail
    }
}
