using System;
using System.Diagnostics;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>Best-of-a-few wall-clock timing: the fastest run is the one least disturbed by the machine. A run
    /// repeats the call for at least <see cref="MinimumRunTime"/> and counts the mean per call: a single call of a
    /// few tens of microseconds is measured on a core that has not reached its working clock (measured here with
    /// kernelc bench on mnist-c16, 10,000 rows: 7.1 to 8.0 ns/row single calls, 5.9 in a steady loop, the loop
    /// agreeing with BenchmarkDotNet).</summary>
    internal static class Timing
    {
        public const int Runs = 5;

        /// <summary>The shortest time one run repeats the call for.</summary>
        public static readonly TimeSpan MinimumRunTime = TimeSpan.FromMilliseconds(20);

        /// <summary>Runs <paramref name="action"/> once to warm up, then <see cref="Runs"/> runs of at least
        /// <see cref="MinimumRunTime"/> each, and returns the fastest run's mean in nanoseconds per row.</summary>
        public static double BestNanosecondsPerRow(Action action, int rows, CancellationToken cancellationToken)
        {
            action();
            long minimum = (long)(MinimumRunTime.TotalSeconds * Stopwatch.Frequency);
            double best = double.MaxValue;
            for (int i = 0; i < Runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long start = Stopwatch.GetTimestamp(), elapsed;
                int calls = 0;
                do
                {
                    action();
                    calls++;
                    elapsed = Stopwatch.GetTimestamp() - start;
                }
                while (elapsed < minimum);

                best = Math.Min(best, (double)elapsed / calls);
            }

            return best * (1e9 / Stopwatch.Frequency) / rows;
        }
    }
}
