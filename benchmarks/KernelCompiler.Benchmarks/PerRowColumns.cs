using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// Median time per input row (the Median divided by the Rows parameter) and, when the group has a baseline (OpenBLAS),
/// how many times faster than it (medians): the figures the performance targets are stated in. Medians rather than
/// means: on a shared machine a burst of other work lengthens a few iterations, which moves the mean of a short run
/// and not its median; BenchmarkDotNet's own Mean column stays beside it.
/// </summary>
public sealed class PerRowColumn : IColumn
{
    private readonly bool _speedup;

    private PerRowColumn(bool speedup) => _speedup = speedup;

    public static IColumn NanosecondsPerRow { get; } = new PerRowColumn(speedup: false);

    public static IColumn SpeedupOverBaseline { get; } = new PerRowColumn(speedup: true);

    public string Id => _speedup ? "SpeedupOverBaseline" : "NsPerRow";

    public string ColumnName => _speedup ? "x Baseline" : "ns/row";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => _speedup ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => _speedup
        ? "Baseline (OpenBLAS cblas_sgemm, 1 thread) median / this median: how many times faster than the exact product"
        : "Median / Rows: nanoseconds per input row";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => c.Parameters.Items.Any(p => p.Name == "Rows"));

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (median is not double ns)
        {
            return "NA";
        }

        if (!_speedup)
        {
            object? rows = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Rows")?.Value;
            return rows is int n ? (ns / n).ToString("F2", CultureInfo.InvariantCulture) : "NA";
        }

        // The baseline of the same parameter group (same shape, rows and layout).
        BenchmarkCase? baseline = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.Baseline
            && c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
        double? baselineMedian = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return baselineMedian is double b ? (b / ns).ToString("F1", CultureInfo.InvariantCulture) : "NA";
    }
}
