using System;
using System.Diagnostics;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>Best-of-many wall-clock timing of a kernel against the exact product: the fastest run is the one
    /// least disturbed by the machine. A run repeats the call for at least <see cref="MinimumRunTime"/> and counts the
    /// mean per call: a single call of a few tens of microseconds is measured on a core that has not reached its
    /// working clock (measured here with kernelc bench on mnist-c16, 10,000 rows: 7.1 to 8.0 ns/row single calls, 5.9
    /// in a steady loop, the loop agreeing with BenchmarkDotNet). Many short runs rather than a few long ones, and the
    /// two timed in alternating runs: on a shared machine a long run rarely escapes a burst of other work, and a burst
    /// then disturbs both rather than only the one timed at that moment (their ratio is the figure that matters).</summary>
    internal static class Timing
    {
        public const int Runs = 25;

        /// <summary>The shortest time one run repeats the call for.</summary>
        public static readonly TimeSpan MinimumRunTime = TimeSpan.FromMilliseconds(2);

        /// <summary>Runs each action once to warm up, then <see cref="Runs"/> runs of each, alternating, of at least
        /// <see cref="MinimumRunTime"/> each; returns each one's fastest run mean in nanoseconds per row.</summary>
        public static (double First, double Second) BestNanosecondsPerRow(Action first, Action second, int rows,
            CancellationToken cancellationToken)
        {
            first();
            second();
            double bestFirst = double.MaxValue, bestSecond = double.MaxValue;
            for (int i = 0; i < Runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                bestFirst = Math.Min(bestFirst, MeanTicks(first));
                bestSecond = Math.Min(bestSecond, MeanTicks(second));
            }

            double scale = 1e9 / Stopwatch.Frequency / rows;
            return (bestFirst * scale, bestSecond * scale);
        }

        private static double MeanTicks(Action action)
        {
            long minimum = (long)(MinimumRunTime.TotalSeconds * Stopwatch.Frequency);
            long start = Stopwatch.GetTimestamp(), elapsed;
            int calls = 0;
            do
            {
                action();
                calls++;
                elapsed = Stopwatch.GetTimestamp() - start;
            }
            while (elapsed < minimum);

            return (double)elapsed / calls;
        }
    }
}
