using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using KernelCompiler.Benchmarks;

namespace KernelCompiler.Plots;

/// <summary>
/// Draws the speed-versus-accuracy plots of benchmarks/README.md from BenchmarkDotNet's JSON reports of
/// TradeoffBenchmarks and AggregationBenchmarks, and prints the tables of figures (Markdown, also written to
/// figures.md beside the plots). The accuracies are computed here, on every held-out test row, from the same cached
/// model files the benchmarks timed (<see cref="TradeoffData.Model"/>; a missing file is retrained, deterministically).
/// <code>
/// dotnet run -c Release --project benchmarks/KernelCompiler.Plots -- [--results DIR] [--output DIR]
/// </code>
/// Defaults: benchmarks/KernelCompiler.Benchmarks/BenchmarkDotNet.Artifacts/results and benchmarks/plots.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "network")
        {
            return NetworkMain(args[1..]);
        }

        string? results = null, output = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--results" when i + 1 < args.Length: results = args[++i]; break;
                case "--output" when i + 1 < args.Length: output = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: KernelCompiler.Plots [--results DIR] [--output DIR]");
                    return 2;
            }
        }

        string benchmarks = FindBenchmarksFolder();
        results ??= Path.Combine(benchmarks, "KernelCompiler.Benchmarks", "BenchmarkDotNet.Artifacts", "results");
        output ??= Path.Combine(benchmarks, "plots");
        Directory.CreateDirectory(output);

        BenchmarkReport tradeoff;
        try
        {
            tradeoff = BenchmarkReport.Load(results, nameof(TradeoffBenchmarks));
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Speed: {Path.GetFileName(tradeoff.Path)} ({tradeoff.Host}).");
        markdown.AppendLine();
        foreach (string dataset in TradeoffData.Datasets)
        {
            List<TradeoffPoint> points = TradeoffPoints(tradeoff, dataset);
            if (points.Count == 0)
            {
                Console.Error.WriteLine("note: the report has no " + dataset + " cases; no plot for it.");
                continue;
            }

            TradeoffDataset data = TradeoffData.TestSet(dataset);
            Score exact = Scoring.Exact(data);
            (string exactEngine, double exactNs) = ExactReference(tradeoff, dataset);
            string png = Path.Combine(output, "tradeoff-" + dataset + ".png");
            TradeoffPlot.Draw(png, data, points, exact, exactEngine, exactNs, tradeoff.Host);
            Console.Error.WriteLine("wrote " + png);
            Tables.Tradeoff(markdown, data, points, exact, exactEngine);
        }

        BenchmarkReport? aggregation = null;
        try
        {
            aggregation = BenchmarkReport.Load(results, nameof(AggregationBenchmarks));
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine("note: " + e.Message + " No aggregation table.");
        }

        if (aggregation is not null)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"Aggregation: {Path.GetFileName(aggregation.Path)} ({aggregation.Host}).");
            markdown.AppendLine();
            Tables.Aggregation(markdown, aggregation);
        }

        string figures = Path.Combine(output, "figures.md");
        File.WriteAllText(figures, markdown.ToString());
        Console.Error.WriteLine("wrote " + figures);
        Console.Write(markdown.ToString());
        return 0;
    }

    /// <summary>
    /// <c>network --input DIR [--output DIR] [--name NAME] [--target-accuracy 0.966] [--target-speedup 10]</c>: the
    /// trade-off of a whole network from the reports scripts/network-tradeoff.sh wrote into DIR; writes
    /// network-tradeoff-NAME.png and .md into the output folder (default benchmarks/plots).
    /// </summary>
    private static int NetworkMain(string[] args)
    {
        string? input = null, output = null, name = "network";
        double targetAccuracy = 0.966, targetSpeedup = 10;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input" when i + 1 < args.Length: input = args[++i]; break;
                case "--output" when i + 1 < args.Length: output = args[++i]; break;
                case "--name" when i + 1 < args.Length: name = args[++i]; break;
                case "--target-accuracy" when i + 1 < args.Length: targetAccuracy = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--target-speedup" when i + 1 < args.Length: targetSpeedup = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: KernelCompiler.Plots network --input DIR [--output DIR] [--name NAME] [--target-accuracy F] [--target-speedup X]");
                    return 2;
            }
        }

        if (input is null || !Directory.Exists(input))
        {
            Console.Error.WriteLine($"network: --input must name the folder of the sweep's reports{(input is null ? "" : $"; {input} does not exist")}");
            return 2;
        }

        output ??= Path.Combine(FindBenchmarksFolder(), "plots");
        Directory.CreateDirectory(output);
        List<NetworkPoint> points = NetworkTradeoff.Load(input);
        if (points.Count == 0)
        {
            Console.Error.WriteLine($"network: no *.bench.json in {input}");
            return 1;
        }

        string png = Path.Combine(output, "network-tradeoff-" + name + ".png");
        NetworkTradeoff.Draw(png, $"{name}: accuracy against speedup, one codebook setting a point", points, targetAccuracy, targetSpeedup);
        var markdown = new StringBuilder();
        NetworkTradeoff.Table(markdown, points);
        string md = Path.Combine(output, "network-tradeoff-" + name + ".md");
        File.WriteAllText(md, markdown.ToString());
        Console.Error.WriteLine("wrote " + png + " and " + md);
        Console.Write(markdown.ToString());
        return 0;
    }

    /// <summary>One point per C of a data set: the model's score and each product's ns/row from the report.</summary>
    private static List<TradeoffPoint> TradeoffPoints(BenchmarkReport report, string dataset)
    {
        var points = new List<TradeoffPoint>();
        IEnumerable<int> codebooks = report.Results
            .Where(r => r.Parameters.TryGetValue("Dataset", out string? d) && d == dataset)
            .Select(r => r.Int("Codebooks"))
            .Distinct()
            .Order();
        TradeoffDataset? data = null;
        foreach (int c in codebooks)
        {
            (string, string)[] key = [("Dataset", dataset), ("Codebooks", c.ToString(CultureInfo.InvariantCulture))];
            data ??= TradeoffData.TestSet(dataset);
            Score score = Scoring.Model(data, TradeoffData.Model(dataset, c, LutAggregation.Exact));
            points.Add(new TradeoffPoint(c, report.Results.First(r => r["Dataset"] == dataset && r.Int("Codebooks") == c).Int("Rows"), score,
                report.Find("EmittedMultiply", key)?.NanosecondsPerRow,
                report.Find("GenericMultiply", key)?.NanosecondsPerRow,
                report.Find("OpenBlasSgemm", key)?.NanosecondsPerRow,
                report.Find("TensorPrimitivesDense", key)?.NanosecondsPerRow));
        }

        return points;
    }

    /// <summary>
    /// The exact product's ns/row for the plot: OpenBLAS when the run had it, else the TensorPrimitives product; the
    /// median of its measurements (one per C case: it does not depend on C, so they differ only by noise).
    /// </summary>
    private static (string Engine, double NanosecondsPerRow) ExactReference(BenchmarkReport report, string dataset)
    {
        foreach ((string method, string engine) in new[] { ("OpenBlasSgemm", "OpenBLAS sgemm"), ("TensorPrimitivesDense", "TensorPrimitives") })
        {
            double? median = Tables.Median(report.Results
                .Where(r => r.Method == method && r.Parameters.TryGetValue("Dataset", out string? d) && d == dataset)
                .Select(r => (double?)r.NanosecondsPerRow));
            if (median is double ns)
            {
                return (engine, ns);
            }
        }

        return ("exact", double.NaN);
    }

    // benchmarks/ above this program (bin/Release/net10.0 is several levels down), or benchmarks/ under the current
    // directory.
    private static string FindBenchmarksFolder()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.Name == "benchmarks" && Directory.Exists(Path.Combine(dir.FullName, "KernelCompiler.Benchmarks")))
            {
                return dir.FullName;
            }
        }

        return Path.Combine(Directory.GetCurrentDirectory(), "benchmarks");
    }
}

/// <summary>One C of a data set: the model's score and the measured ns/row (null when the report lacks the case).</summary>
public sealed record TradeoffPoint(int Codebooks, int Rows, Score Score, double? Emitted, double? Generic, double? OpenBlas,
    double? TensorPrimitives);
