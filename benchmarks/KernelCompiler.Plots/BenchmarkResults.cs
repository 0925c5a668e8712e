using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace KernelCompiler.Plots;

/// <summary>One benchmark of a BenchmarkDotNet JSON report: its method, parameters and mean time.</summary>
public sealed record BenchmarkResult(string Type, string Method, IReadOnlyDictionary<string, string> Parameters,
    double MeanNanoseconds, double StandardDeviationNanoseconds)
{
    /// <summary>The value of a parameter, e.g. "Dataset"; an exception naming it when the report lacks it.</summary>
    public string this[string parameter] => Parameters.TryGetValue(parameter, out string? value)
        ? value
        : throw new InvalidDataException(Type + "." + Method + " has no parameter " + parameter);

    public int Int(string parameter) => int.Parse(this[parameter], CultureInfo.InvariantCulture);

    /// <summary>Mean / Rows: the figure the tables and plots give.</summary>
    public double NanosecondsPerRow => MeanNanoseconds / Int("Rows");
}

/// <summary>The results of one benchmark class, read from BenchmarkDotNet's JSON exporter (<c>--exporters json</c>).</summary>
public sealed class BenchmarkReport
{
    private BenchmarkReport(string path, string host, IReadOnlyList<BenchmarkResult> results)
    {
        Path = path;
        Host = host;
        Results = results;
    }

    public string Path { get; }

    /// <summary>Processor, cores, OS and runtime, as BenchmarkDotNet recorded them.</summary>
    public string Host { get; }

    public IReadOnlyList<BenchmarkResult> Results { get; }

    /// <summary>
    /// The newest <c>*.{type}-report*.json</c> in <paramref name="directory"/> (BenchmarkDotNet writes
    /// <c>KernelCompiler.Benchmarks.TradeoffBenchmarks-report-full-compressed.json</c> for <c>--exporters json</c>).
    /// </summary>
    public static BenchmarkReport Load(string directory, string type)
    {
        string? path = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*." + type + "-report*.json")
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault()
            : null;
        if (path is null)
        {
            throw new FileNotFoundException("No BenchmarkDotNet JSON report of " + type + " in " + directory +
                "; run the benchmarks with --exporters json first (see benchmarks/README.md).");
        }

        return Parse(path, File.ReadAllText(path));
    }

    /// <summary>Reads a report's text. Benchmarks without statistics (a failed case) are left out.</summary>
    public static BenchmarkReport Parse(string path, string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        string host = "";
        if (root.TryGetProperty("HostEnvironmentInfo", out JsonElement info))
        {
            string Text(string name) => info.TryGetProperty(name, out JsonElement v) ? v.ToString() : "?";
            host = $"{Text("ProcessorName")}, {Text("LogicalCoreCount")} logical cores, {Text("OsVersion")}, {Text("RuntimeVersion")}";
        }

        var results = new List<BenchmarkResult>();
        foreach (JsonElement benchmark in root.GetProperty("Benchmarks").EnumerateArray())
        {
            if (!benchmark.TryGetProperty("Statistics", out JsonElement statistics)
                || statistics.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            string text = benchmark.GetProperty("Parameters").GetString() ?? "";
            foreach (string pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0) parameters[pair[..equals]] = pair[(equals + 1)..];
            }

            results.Add(new BenchmarkResult(
                benchmark.GetProperty("Type").GetString() ?? "",
                benchmark.GetProperty("Method").GetString() ?? "",
                parameters,
                statistics.GetProperty("Mean").GetDouble(),
                statistics.TryGetProperty("StandardDeviation", out JsonElement sd) && sd.ValueKind == JsonValueKind.Number
                    ? sd.GetDouble()
                    : double.NaN));
        }

        return new BenchmarkReport(path, host, results);
    }

    /// <summary>The result of <paramref name="method"/> whose parameters include every pair given, or null.</summary>
    public BenchmarkResult? Find(string method, params (string Name, string Value)[] parameters)
        => Results.FirstOrDefault(r => r.Method == method
            && parameters.All(p => r.Parameters.TryGetValue(p.Name, out string? v) && v == p.Value));
}
