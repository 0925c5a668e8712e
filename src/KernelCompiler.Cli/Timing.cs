using System;
using System.Diagnostics;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>Wall-clock timing of a kernel against the exact product, as a ratio fit to quote. A run repeats the
    /// call for at least <see cref="MinimumRunTime"/> and counts the mean per call (a single call of a few tens of
    /// microseconds runs on a core that has not reached its working clock). The two are timed in alternating runs, so
    /// a burst of other work on a shared machine falls on both; each figure is the median of its runs, the same
    /// statistic for both (the fastest run favoured whichever call is longer: one OpenBLAS call per short run, whose
    /// luckiest call then counted, against the mean of dozens of kernel calls).</summary>
    internal static class Timing
    {
        public const int Runs = 15;

        /// <summary>The shortest time one run repeats the call for.</summary>
        public static readonly TimeSpan MinimumRunTime = TimeSpan.FromMilliseconds(10);

        /// <summary>Runs each action once to warm up, then <see cref="Runs"/> runs of each, alternating, of at least
        /// <see cref="MinimumRunTime"/> each; returns each one's median run, in nanoseconds per row.</summary>
        public static (double First, double Second) MedianNanosecondsPerRow(Action first, Action second, int rows,
            CancellationToken cancellationToken)
        {
            first();
            second();
            var firstRuns = new double[Runs];
            var secondRuns = new double[Runs];
            for (int i = 0; i < Runs; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                firstRuns[i] = MeanTicks(first);
                secondRuns[i] = MeanTicks(second);
            }

            double scale = 1e9 / Stopwatch.Frequency / rows;
            return (Median(firstRuns) * scale, Median(secondRuns) * scale);
        }

        private static double Median(double[] values)
        {
            Array.Sort(values);
            int n = values.Length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
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
