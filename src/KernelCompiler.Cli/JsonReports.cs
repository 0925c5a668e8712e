using System;
using System.Text.Json;

namespace KernelCompiler.Cli
{
    /// <summary>The timing fields eval, bench and sweep write alike, in JSON and in words.</summary>
    internal static class JsonReports
    {
        /// <summary>kernelNsPerRow / exactNsPerRow (medians), their min and max, speedup, exactEngine and the run count.</summary>
        public static void WriteTimes(Utf8JsonWriter json, Spread kernel, Spread exact, string exactEngineName, string exactEngine)
        {
            json.WriteNumber("kernelNsPerRow", Math.Round(kernel.Median, 3));
            json.WriteNumber("kernelNsPerRowMin", Math.Round(kernel.Min, 3));
            json.WriteNumber("kernelNsPerRowMax", Math.Round(kernel.Max, 3));
            json.WriteNumber("exactNsPerRow", Math.Round(exact.Median, 3));
            json.WriteNumber("exactNsPerRowMin", Math.Round(exact.Min, 3));
            json.WriteNumber("exactNsPerRowMax", Math.Round(exact.Max, 3));
            json.WriteNumber("speedup", Math.Round(exact.Median / kernel.Median, 4));
            json.WriteString("exactEngineName", exactEngineName);
            json.WriteString("exactEngine", exactEngine);
            json.WriteNumber("timingRuns", Timing.Runs);
        }

        /// <summary>"9.06× faster" or "2.12× slower", from the medians.</summary>
        public static string Relative(Spread kernel, Spread exact)
        {
            double speedup = exact.Median / kernel.Median;
            return speedup >= 1 ? speedup.ToString("F2") + "× faster" : (1 / speedup).ToString("F2") + "× slower";
        }
    }
}
