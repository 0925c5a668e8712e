using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using KernelCompiler.Benchmarks;
using ScottPlot;
using ScottPlot.TickGenerators;
using KernelCompiler.Generic;

namespace KernelCompiler.Plots;

/// <summary>
/// The paper's trade-off plot for one data set: x = ns/row (log scale), y = accuracy (labelled data) or NMSE (log
/// scale, lower is better); one point per C for the emitted and for the generic kernel (same model, so same y), each
/// labelled with its C, and the exact product as the reference.
/// </summary>
public static class TradeoffPlot
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Draw(string path, TradeoffDataset data, IReadOnlyList<TradeoffPoint> points, Score exact,
        string exactEngine, double exactNs, string host)
    {
        bool labelled = data.Labels is not null;
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");  // present on Debian; ScottPlot falls back to its default font otherwise

        // ScottPlot 5 has no log axes: plot log10 of the values on a linear axis and label the ticks with the values.
        double Y(Score s) => labelled ? s.Accuracy!.Value * 100 : Math.Log10(s.Nmse);
        var xs = new List<double>();
        var ys = new List<double>();
        AddSeries(plot, points, p => p.Emitted, Y, "emitted (LutKernel.Compile)", Colors.C0, MarkerShape.FilledCircle,
            Alignment.LowerLeft, xs, ys);
        AddSeries(plot, points, p => p.Generic, Y, "generic (GenericKernel)", Colors.C1, MarkerShape.FilledSquare,
            Alignment.UpperLeft, xs, ys);

        if (double.IsFinite(exactNs))
        {
            double x = Math.Log10(exactNs);
            xs.Add(x);
            if (labelled)
            {
                double y = exact.Accuracy!.Value * 100;
                ys.Add(y);
                var marker = plot.Add.Marker(x, y, MarkerShape.FilledDiamond, 12, Colors.Black);
                marker.LegendText = $"exact ({exactEngine}, float32)";
                var line = plot.Add.HorizontalLine(y, 1, Colors.Gray, LinePattern.Dashed);
                line.LegendText = "exact product's accuracy";
                Label(plot, x, y, $"exact {exactNs:0} ns/row, {y:0.00} %", Alignment.LowerRight);
            }
            else
            {
                var line = plot.Add.VerticalLine(x, 1.5f, Colors.Black, LinePattern.Dashed);
                line.LegendText = $"exact ({exactEngine}, float32), NMSE 0: {exactNs:0.0} ns/row";
            }
        }

        double xMin = xs.Min(), xMax = xs.Max(), yMin = ys.Min(), yMax = ys.Max();
        double xPad = Math.Max(0.08, (xMax - xMin) * 0.08), yPad = Math.Max(labelled ? 0.2 : 0.05, (yMax - yMin) * 0.12);
        plot.Axes.SetLimits(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad);
        plot.Axes.Bottom.TickGenerator = LogTicks(xMin - xPad, xMax + xPad);
        if (!labelled)
        {
            plot.Axes.Left.TickGenerator = LogTicks(yMin - yPad, yMax + yPad);
        }

        string rows = points.Count > 0 ? points[0].Rows.ToString("N0", Invariant) : "?";
        plot.Title($"{data.Name}: speed vs {(labelled ? "accuracy" : "error")}, C = {string.Join(", ", points.Select(p => p.Codebooks))}\n{host}");
        plot.Axes.Title.Label.FontSize = 15;
        plot.XLabel($"ns per row, end-to-end column-major Multiply, N = {rows} (log scale)");
        plot.YLabel(labelled
            ? $"accuracy on {data.Rows:N0} test rows, % (higher is better)"
            : $"NMSE on {data.Rows:N0} test rows (log; lower is better)");
        plot.ShowLegend(Edge.Bottom);
        plot.SavePng(path, 1000, 650);
    }

    private static void AddSeries(Plot plot, IReadOnlyList<TradeoffPoint> points, Func<TradeoffPoint, double?> ns,
        Func<Score, double> y, string legend, Color color, MarkerShape shape, Alignment labelAlignment, List<double> xs,
        List<double> ys)
    {
        TradeoffPoint[] measured = points.Where(p => ns(p) is not null).ToArray();
        if (measured.Length == 0) return;
        double[] x = measured.Select(p => Math.Log10(ns(p)!.Value)).ToArray();
        double[] yv = measured.Select(p => y(p.Score)).ToArray();
        var scatter = plot.Add.Scatter(x, yv, color);
        scatter.LegendText = legend;
        scatter.MarkerShape = shape;
        scatter.MarkerSize = 9;
        scatter.LineWidth = 1;
        for (int i = 0; i < measured.Length; i++)
        {
            Label(plot, x[i], yv[i], "C=" + measured[i].Codebooks.ToString(Invariant), labelAlignment);
        }

        xs.AddRange(x);
        ys.AddRange(yv);
    }

    private static void Label(Plot plot, double x, double y, string text, Alignment alignment)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = 12;
        label.LabelAlignment = alignment;
        label.OffsetX = alignment == Alignment.LowerRight ? -6 : 6;
        label.OffsetY = alignment == Alignment.UpperLeft ? 4 : -4;
    }

    /// <summary>Ticks of a log10 axis spanning [lo, hi]: majors at 1, 2 and 5 × 10^k labelled with the value, minors
    /// at the other integers × 10^k (all labelled when the axis spans about one decade or less).</summary>
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
                // Within about one decade, label every integer multiple, or the axis would show only two labels.
                if (m is 1 or 2 or 5 || hi - lo < 1.2) ticks.AddMajor(position, value.ToString("G4", Invariant));
                else ticks.AddMinor(position);
            }
        }

        return ticks;
    }
}
