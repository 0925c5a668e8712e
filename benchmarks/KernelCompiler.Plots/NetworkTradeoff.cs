using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace KernelCompiler.Plots;

/// <summary>One calibrated network of a sweep: its `kernelc import --json` and `kernelc bench --json` reports and the
/// network file they name.</summary>
public sealed record NetworkPoint(string Name, string Setting, string Layers, long Lookups, long MultiplyAdds, long FusedLookups,
    double Accuracy, double ExactAccuracy, double Nmse, double ImportSeconds, double FusedNs, double LayeredNs,
    double ExactNs, double Speedup, double SpeedupOverLayered, string ExactEngine, int Rows, long ExactCost);

/// <summary>
/// The accuracy-against-speedup trade-off of a whole network (docs/networks.md), from the folder
/// scripts/network-tradeoff.sh fills: a PNG (x = speedup over the exact engine, log scale; y = test accuracy) and a
/// Markdown table.
/// </summary>
public static class NetworkTradeoff
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Reads every <c>NAME.bench.json</c> with its <c>NAME.import.json</c> and <c>NAME.lut.json</c>.</summary>
    public static List<NetworkPoint> Load(string folder)
    {
        var points = new List<NetworkPoint>();
        foreach (string bench in Directory.GetFiles(folder, "*.bench.json").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(bench)[..^".bench.json".Length];
            string import = Path.Combine(folder, name + ".import.json");
            string network = Path.Combine(folder, name + ".lut.json");
            if (!File.Exists(import) || !File.Exists(network))
            {
                throw new FileNotFoundException($"{bench} has no {Path.GetFileName(import)} or {Path.GetFileName(network)} beside it.");
            }

            using JsonDocument b = JsonDocument.Parse(File.ReadAllText(bench));
            using JsonDocument i = JsonDocument.Parse(File.ReadAllText(import));
            JsonElement br = b.RootElement, ir = i.RootElement;
            string layers = string.Join(",", ir.GetProperty("layers").EnumerateArray()
                .Select(l => l.GetProperty("exact").GetBoolean() ? "E" : l.GetProperty("codebooks").GetInt32().ToString(Invariant)));
            string settingFile = Path.Combine(folder, name + ".setting.txt");
            string setting = File.Exists(settingFile) ? File.ReadAllText(settingFile).Trim() : name;
            points.Add(new NetworkPoint(name, setting, layers, ir.GetProperty("lookupsPerRow").GetInt64(),
                ir.GetProperty("multiplyAddsPerRow").GetInt64(), FusedLookups(LutNetwork.Load(network)),
                br.GetProperty("accuracy").GetDouble(), br.GetProperty("exactAccuracy").GetDouble(),
                ir.GetProperty("nmse").GetDouble(), ir.GetProperty("seconds").GetDouble(),
                br.GetProperty("kernelNsPerRow").GetDouble(), br.GetProperty("layeredNsPerRow").GetDouble(),
                br.GetProperty("exactNsPerRow").GetDouble(), br.GetProperty("speedup").GetDouble(),
                br.GetProperty("speedupOverLayered").GetDouble(), br.GetProperty("exactEngine").GetString() ?? "exact",
                br.GetProperty("rows").GetInt32(), ir.GetProperty("exactCost").GetInt64()));
        }

        return points;
    }

    /// <summary>Lookups a row the fused kernel does: C · (outputs computed) per LUT layer, where a LUT layer followed
    /// by a LUT layer computes only the units that layer's trees split on (the network plan's rule).</summary>
    public static long FusedLookups(LutNetwork network)
    {
        long total = 0;
        for (int k = 0; k < network.Layers.Count; k++)
        {
            if (network.Layers[k] is not LutLayer lut) continue;
            int outputs = k + 1 < network.Layers.Count && network.Layers[k + 1] is LutLayer next
                ? next.Model.SplitDimensions.ToArray().Distinct().Count()
                : lut.OutputDimension;
            total += (long)lut.Model.Codebooks * outputs;
        }

        return total;
    }

    /// <summary>Draws the PNG: one point per setting at (speedup, accuracy), labelled with its layers, the exact
    /// network's accuracy as a dashed line, and the issue's targets (a minimum accuracy, a minimum speedup) as dotted
    /// lines.</summary>
    public static void Draw(string path, string title, IReadOnlyList<NetworkPoint> points, double targetAccuracy, double targetSpeedup)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        double[] x = points.Select(p => Math.Log10(p.Speedup)).ToArray();
        double[] y = points.Select(p => 100 * p.Accuracy).ToArray();
        var fused = plot.Add.ScatterPoints(x, y, Colors.C0);
        fused.LegendText = "fused network kernel (one thread)";
        fused.MarkerShape = MarkerShape.FilledCircle;
        fused.MarkerSize = 9;
        double[] lx = points.Select(p => Math.Log10(p.ExactNs / p.LayeredNs)).ToArray();
        var layered = plot.Add.ScatterPoints(lx, y, Colors.C1);
        layered.LegendText = "the same LUT layers one by one";
        layered.MarkerShape = MarkerShape.OpenSquare;
        layered.MarkerSize = 8;
        // Labels alternate above and below the point in order of speedup, so neighbours do not overprint.
        int[] order = Enumerable.Range(0, points.Count).OrderBy(i => x[i]).ToArray();
        for (int rank = 0; rank < order.Length; rank++)
        {
            int i = order[rank];
            var label = plot.Add.Text(ShortLabel(points[i]), x[i], y[i]);
            label.LabelFontSize = 11;
            label.LabelAlignment = rank % 2 == 0 ? Alignment.LowerLeft : Alignment.UpperLeft;
            label.OffsetX = 6;
            label.OffsetY = rank % 2 == 0 ? -4 : 4;
        }

        double exact = 100 * points[0].ExactAccuracy;
        plot.Add.HorizontalLine(exact, 1, Colors.Gray, LinePattern.Dashed).LegendText =
            $"exact network ({exact:0.00} %), speedup 1 = {points[0].ExactEngine.Split(" (")[0]}";
        plot.Add.HorizontalLine(100 * targetAccuracy, 1, Colors.Red, LinePattern.Dotted).LegendText =
            $"target: ≥ {100 * targetAccuracy:0.0} % and ≥ {targetSpeedup:0}×";
        plot.Add.VerticalLine(Math.Log10(targetSpeedup), 1, Colors.Red, LinePattern.Dotted);

        double xMin = Math.Min(lx.Min(), 0), xMax = Math.Max(x.Max(), Math.Log10(targetSpeedup));
        double yMin = Math.Min(y.Min(), 100 * targetAccuracy), yMax = Math.Max(y.Max(), exact);
        plot.Axes.SetLimits(xMin - 0.08, xMax + 0.25, yMin - 0.3, yMax + 0.3);
        plot.Axes.Bottom.TickGenerator = LogTicks(xMin - 0.08, xMax + 0.25);
        plot.Title(title + "\none kernelc bench call a point (medians of 15 alternating runs); layers: codebooks per layer, E = exact");
        plot.Axes.Title.Label.FontSize = 15;
        plot.XLabel($"speedup over {points[0].ExactEngine.Split(" (")[0]} (one thread), N = {points[0].Rows:N0} test rows, end to end (log scale)");
        plot.YLabel($"test accuracy, % (higher is better)");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 1000, 650);
    }

    /// <summary>The layers, and λ when the options set it.</summary>
    private static string ShortLabel(NetworkPoint p)
    {
        string[] words = p.Setting.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(words, "--lambda");
        return at >= 0 && at + 1 < words.Length ? p.Layers + " λ=" + words[at + 1] : p.Layers;
    }

    /// <summary>The Markdown table, one row per setting, cheapest (fewest fused lookups) first.</summary>
    public static void Table(StringBuilder md, IReadOnlyList<NetworkPoint> points)
    {
        md.AppendLine("| `kernelc import` options | layers | fused lookups/row | accuracy | NMSE (calibration rows) | fused ns/row | layer by layer ns/row | " +
            "ONNX Runtime ns/row | speedup over ONNX Runtime | over layer by layer | import s |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (NetworkPoint p in points.OrderBy(p => p.FusedLookups + p.MultiplyAdds))
        {
            string madds = p.MultiplyAdds > 0 ? $" + {p.MultiplyAdds:N0} MACs" : "";
            md.AppendLine(Invariant, $"| `{p.Setting}` | {p.Layers} | {p.FusedLookups:N0}{madds} | {100 * p.Accuracy:0.00} % | {p.Nmse:0.0000} | " +
                $"{p.FusedNs:N0} | {p.LayeredNs:N0} | {p.ExactNs:N0} | {p.Speedup:0.0}× | {p.SpeedupOverLayered:0.0}× | {p.ImportSeconds:0} |");
        }

        md.AppendLine(Invariant, $"| exact network | | {0:N0} + {points[0].ExactCost:N0} MACs | {100 * points[0].ExactAccuracy:0.00} % | 0 | | | | 1× | | |");
    }

    private static NumericManual LogTicks(double lo, double hi)
    {
        var ticks = new NumericManual();
        for (int decade = (int)Math.Floor(lo) - 1; decade <= (int)Math.Ceiling(hi); decade++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double value = m * Math.Pow(10, decade);
                double position = Math.Log10(value);
                if (position < lo || position > hi) continue;
                if (m is 1 or 2 or 5) ticks.AddMajor(position, value.ToString("G4", Invariant) + "×");
                else ticks.AddMinor(position);
            }
        }

        return ticks;
    }
}
