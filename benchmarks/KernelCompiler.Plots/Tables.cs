using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using KernelCompiler.Benchmarks;

namespace KernelCompiler.Plots;

/// <summary>The Markdown tables of benchmarks/README.md, from the same figures the plots show.</summary>
public static class Tables
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>C, accuracy or NMSE, ns/row of each product and the speedups over the exact product, for one data set.</summary>
    public static void Tradeoff(StringBuilder md, TradeoffDataset data, IReadOnlyList<TradeoffPoint> points, Score exact,
        string exactEngine)
    {
        bool labelled = data.Labels is not null;
        md.AppendLine(Invariant, $"**{data.Name}** (D = {data.D}, M = {data.M}; speed on the first {points[0].Rows:N0} test rows, column-major; " +
            $"{(labelled ? "accuracy" : "NMSE")} on all {data.Rows:N0} test rows). Speedup = {exactEngine} / kernel, same case; " +
            $"the exact row gives the median of the exact product's measurements over the C cases.");
        md.AppendLine();
        md.AppendLine(labelled
            ? "| C | accuracy | NMSE | emitted ns/row | generic ns/row | OpenBLAS ns/row | TensorPrimitives ns/row | speedup emitted | speedup generic |"
            : "| C | NMSE | emitted ns/row | generic ns/row | OpenBLAS ns/row | TensorPrimitives ns/row | speedup emitted | speedup generic |");
        md.AppendLine(labelled ? "|--:|--:|--:|--:|--:|--:|--:|--:|--:|" : "|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (TradeoffPoint p in points)
        {
            double? baseline = p.OpenBlas ?? p.TensorPrimitives;
            string accuracy = labelled ? Percent(p.Score.Accuracy) + " | " : "";
            md.AppendLine(Invariant, $"| {p.Codebooks} | {accuracy}{p.Score.Nmse:G4} | {Ns(p.Emitted)} | {Ns(p.Generic)} | " +
                $"{Ns(p.OpenBlas)} | {Ns(p.TensorPrimitives)} | {Ratio(baseline, p.Emitted)} | {Ratio(baseline, p.Generic)} |");
        }

        string exactAccuracy = labelled ? Percent(exact.Accuracy) + " | " : "";
        md.AppendLine(Invariant, $"| exact | {exactAccuracy}0 | | | {Ns(Median(points.Select(p => p.OpenBlas)))} | " +
            $"{Ns(Median(points.Select(p => p.TensorPrimitives)))} | | |");
        md.AppendLine();
    }

    /// <summary>Exact against average aggregation per data set and C: score and ns/row of scan and Multiply, and the
    /// ratio exact / average (above 1: average is faster).</summary>
    public static void Aggregation(StringBuilder md, BenchmarkReport report)
    {
        string[] methods = ["EmittedScan", "EmittedMultiply", "GenericScan", "GenericMultiply"];
        md.AppendLine("| data set | C | aggregation | accuracy | NMSE | emitted scan | emitted Multiply | generic scan | generic Multiply |");
        md.AppendLine("|---|--:|---|--:|--:|--:|--:|--:|--:|");
        var cases = report.Results
            .Select(r => (Dataset: r["Dataset"], Codebooks: r.Int("Codebooks")))
            .Distinct()
            .OrderBy(c => Array.IndexOf(TradeoffData.Datasets, c.Dataset))
            .ThenBy(c => c.Codebooks);
        foreach ((string dataset, int codebooks) in cases)
        {
            TradeoffDataset data = TradeoffData.TestSet(dataset);
            var scores = new Dictionary<LutAggregation, Score>();
            var times = new Dictionary<LutAggregation, double?[]>();
            foreach (LutAggregation aggregation in new[] { LutAggregation.Exact, LutAggregation.Average })
            {
                (string, string)[] key =
                [
                    ("Dataset", dataset), ("Codebooks", codebooks.ToString(Invariant)), ("Aggregation", aggregation.ToString()),
                ];
                BenchmarkResult?[] found = methods.Select(m => report.Find(m, key)).ToArray();
                times[aggregation] = found.Select(r => r?.NanosecondsPerRow).ToArray();
                scores[aggregation] = Scoring.Model(data, TradeoffData.Model(dataset, codebooks, aggregation));
                md.AppendLine(Invariant, $"| {dataset} | {codebooks} | {aggregation.ToString().ToLowerInvariant()} | " +
                    $"{Percent(scores[aggregation].Accuracy)} | {scores[aggregation].Nmse:G4} | " +
                    $"{string.Join(" | ", found.Select(WithDeviation))} |");
            }

            Score e = scores[LutAggregation.Exact], a = scores[LutAggregation.Average];
            string cost = e.Accuracy is double ea && a.Accuracy is double aa
                ? ((ea - aa) * 100).ToString("+0.00;−0.00;0.00", Invariant) + " points"
                : "–";
            string nmseRatio = (a.Nmse / e.Nmse).ToString("0.000", Invariant) + "× NMSE";
            string ratios = string.Join(" | ", Enumerable.Range(0, methods.Length)
                .Select(i => "**" + Ratio(times[LutAggregation.Exact][i], times[LutAggregation.Average][i]) + "**"));
            md.AppendLine(Invariant, $"| | | **exact / average** | cost {cost} | {nmseRatio} | {ratios} |");
        }

        md.AppendLine();
        md.AppendLine("ns/row ± the standard deviation of the iterations (% of the mean); \"exact / average\" is the exact model's time over the average model's (above 1×: average is " +
            "faster), the accuracy lost by averaging (points) and the NMSE of average relative to exact.");
        md.AppendLine();
    }

    private static string Ns(double? value) => value is double v ? v.ToString(v < 100 ? "0.00" : "0.0", Invariant) : "–";

    private static string WithDeviation(BenchmarkResult? r)
        => r is null ? "–" : Ns(r.NanosecondsPerRow) + " ±" + Percentage(100 * r.StandardDeviationNanoseconds / r.MeanNanoseconds) + " %";

    private static string Percentage(double value) => value.ToString(value < 1 ? "0.0" : "0", Invariant);

    private static string Ratio(double? numerator, double? denominator)
        => numerator is double n && denominator is double d ? (n / d).ToString("0.00", Invariant) + "×" : "–";

    private static string Percent(double? fraction) => fraction is double f ? (f * 100).ToString("0.00", Invariant) + " %" : "–";

    /// <summary>The median of the values present, or null.</summary>
    internal static double? Median(IEnumerable<double?> values)
    {
        double[] v = values.OfType<double>().Order().ToArray();
        if (v.Length == 0) return null;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
