using System;
using System.Diagnostics;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>Best-of-a-few wall-clock timing: the fastest run is the one least disturbed by the machine.</summary>
    internal static class Timing
    {
        public const int Runs = 5;

        /// <summary>Runs <paramref name="action"/> once to warm up, then <see cref="Runs"/> times, and returns the
        /// fastest run in nanoseconds per row.</summary>
        public static double BestNanosecondsPerRow(Action action, int rows, CancellationToken cancellationToken)
        {
            action();
            long best = long.MaxValue;
            for (int i = 0; i < Runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long start = Stopwatch.GetTimestamp();
                action();
                best = Math.Min(best, Stopwatch.GetTimestamp() - start);
            }

            return best * (1e9 / Stopwatch.Frequency) / rows;
        }
    }
}
