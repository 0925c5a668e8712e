using System;
using System.Diagnostics;
using System.Threading;

namespace KernelCompiler.Cli
{
    /// <summary>The fastest, median and slowest of a set of timed runs, in nanoseconds per row.</summary>
    internal readonly record struct Spread(double Min, double Median, double Max)
    {
        /// <summary>"12.3 ns/row (min 11.9, max 14.0)" with <paramref name="format"/> for every figure.</summary>
        public string Describe(string format)
            => Median.ToString(format) + " ns/row (min " + Min.ToString(format) + ", max " + Max.ToString(format) + ")";
    }

    /// <summary>Wall-clock timing of a kernel against the exact product, as a ratio fit to quote. A run repeats the
    /// call for at least <see cref="MinimumRunTime"/> and counts the mean per call (a single call of a few tens of
    /// microseconds runs on a core that has not reached its working clock). The two are timed in alternating runs, so
    /// a burst of other work on a shared machine falls on both; each figure is the median of its runs, the same
    /// statistic for both (the fastest run favoured whichever call is longer: one OpenBLAS call per short run, whose
    /// luckiest call then counted, against the mean of dozens of kernel calls). The fastest and slowest runs are kept
    /// too, so a report shows how far apart they were. Cancellation is checked between calls, so Ctrl+C is honoured
    /// within one call of either action.</summary>
    internal static class Timing
    {
        public const int Runs = 15;

        /// <summary>The shortest time one run repeats the call for.</summary>
        public static readonly TimeSpan MinimumRunTime = TimeSpan.FromMilliseconds(10);

        /// <summary>Runs each action once to warm up, then <see cref="Runs"/> runs of each, alternating, of at least
        /// <see cref="MinimumRunTime"/> each; returns the spread of each one's runs, in nanoseconds per row.</summary>
        public static (Spread First, Spread Second) NanosecondsPerRow(Action first, Action second, int rows,
            CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            first();
            cancellationToken.ThrowIfCancellationRequested();
            second();
            var firstRuns = new double[Runs];
            var secondRuns = new double[Runs];
            for (int i = 0; i < Runs; i++)
            {
                firstRuns[i] = MeanTicks(first, cancellationToken);
                secondRuns[i] = MeanTicks(second, cancellationToken);
            }

            double scale = 1e9 / Stopwatch.Frequency / rows;
            return (SpreadOf(firstRuns, scale), SpreadOf(secondRuns, scale));
        }

        private static Spread SpreadOf(double[] values, double scale)
        {
            Array.Sort(values);
            int n = values.Length;
            double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
            return new Spread(values[0] * scale, median * scale, values[n - 1] * scale);
        }

        private static double MeanTicks(Action action, CancellationToken cancellationToken)
        {
            long minimum = (long)(MinimumRunTime.TotalSeconds * Stopwatch.Frequency);
            long start = Stopwatch.GetTimestamp(), elapsed;
            int calls = 0;
            do
            {
                cancellationToken.ThrowIfCancellationRequested();
                action();
                calls++;
                elapsed = Stopwatch.GetTimestamp() - start;
            }
            while (elapsed < minimum);

            return (double)elapsed / calls;
        }
    }
}
