using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace KernelCompiler.Cli
{
    /// <summary>The trade-off plot of <c>kernelc sweep</c>, as in the paper: x = ns/row (log), y = held-back accuracy (with
    /// labels) or NMSE (log, lower is better), one point per C labelled with it, and the exact product for reference.</summary>
    internal static class SweepPlot
    {
        private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        /// <summary>One measured C.</summary>
        public sealed record Point(int Codebooks, double NsPerRow, double Nmse, double? Accuracy);

        /// <summary>Draws the plot as a 1000 × 650 PNG at <paramref name="path"/>.</summary>
        public static void Draw(string path, string title, IReadOnlyList<Point> points, double exactNs, double? exactAccuracy,
            string exactEngine, int validationRows)
        {
            bool labelled = points.All(p => p.Accuracy is not null);
            var plot = new Plot();
            plot.Font.Set("DejaVu Sans");  // present on Debian; ScottPlot falls back to its default font otherwise

            // ScottPlot 5 has no log axes: plot log10 of the values on a linear axis and label the ticks with the values.
            double[] x = points.Select(p => Math.Log10(p.NsPerRow)).ToArray();
            double[] y = points.Select(p => labelled ? p.Accuracy!.Value * 100 : Math.Log10(Math.Max(p.Nmse, 1e-12))).ToArray();
            var scatter = plot.Add.Scatter(x, y, Colors.C0);
            scatter.LegendText = "kernel, one point per C";
            scatter.MarkerShape = MarkerShape.FilledCircle;
            scatter.MarkerSize = 9;
            for (int i = 0; i < points.Count; i++)
            {
                var label = plot.Add.Text("C=" + points[i].Codebooks.ToString(Invariant), x[i], y[i]);
                label.LabelFontSize = 12;
                label.OffsetX = 6;
                label.OffsetY = -4;
            }

            var xs = new List<double>(x);
            var ys = new List<double>(y);
            double ex = Math.Log10(exactNs);
            xs.Add(ex);
            if (labelled && exactAccuracy is double ea)
            {
                ys.Add(ea * 100);
                var marker = plot.Add.Marker(ex, ea * 100, MarkerShape.FilledDiamond, 12, Colors.Black);
                marker.LegendText = "exact (" + exactEngine + ")";
                var line = plot.Add.HorizontalLine(ea * 100, 1, Colors.Gray, LinePattern.Dashed);
                line.LegendText = "exact product's accuracy";
            }
            else
            {
                var line = plot.Add.VerticalLine(ex, 1.5f, Colors.Black, LinePattern.Dashed);
                line.LegendText = "exact (" + exactEngine + "), NMSE 0: " + exactNs.ToString("0.0", Invariant) + " ns/row";
            }

            double xMin = xs.Min(), xMax = xs.Max(), yMin = ys.Min(), yMax = ys.Max();
            double xPad = Math.Max(0.08, (xMax - xMin) * 0.08), yPad = Math.Max(labelled ? 0.5 : 0.05, (yMax - yMin) * 0.12);
            plot.Axes.SetLimits(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad);
            plot.Axes.Bottom.TickGenerator = LogTicks(xMin - xPad, xMax + xPad);
            if (!labelled) plot.Axes.Left.TickGenerator = LogTicks(yMin - yPad, yMax + yPad);
            plot.Title(title);
            plot.XLabel("ns per row, row-major Multiply (log scale)");
            plot.YLabel(labelled
                ? "accuracy on " + validationRows.ToString("N0", Invariant) + " held-back rows, % (higher is better)"
                : "NMSE on " + validationRows.ToString("N0", Invariant) + " held-back rows (log; lower is better)");
            plot.ShowLegend(Edge.Bottom);
            plot.SavePng(path, 1000, 650);
        }

        // Majors at 1, 2 and 5 × 10^k labelled with the value, minors between (all labelled within about a decade).
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
                    if (m is 1 or 2 or 5 || hi - lo < 1.2) ticks.AddMajor(position, value.ToString("G4", Invariant));
                    else ticks.AddMinor(position);
                }
            }

            return ticks;
        }
    }
}
