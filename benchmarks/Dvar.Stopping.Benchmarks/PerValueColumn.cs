using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Dvar.Stopping.Benchmarks;

/// <summary>A summary column dividing an invocation's median time, or its allocated bytes, by the number of values fed
/// (the <c>HistoryLength</c> parameter), since OperationsPerInvoke must be a constant.</summary>
internal sealed class PerValueColumn(bool allocation) : IColumn
{
    public string Id => allocation ? "AllocatedPerValue" : "MedianPerValue";

    public string ColumnName => allocation ? "B/value" : "Median ns/value";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => allocation ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => allocation
        ? "Bytes allocated per invocation divided by the number of values fed"
        : "Median time per invocation divided by the number of values fed, in nanoseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        double length = Convert.ToDouble(benchmarkCase.Parameters["HistoryLength"], CultureInfo.InvariantCulture);
        if (allocation)
        {
            long? bytes = report?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return bytes is null ? "NA" : (bytes.Value / length).ToString("0.###", CultureInfo.InvariantCulture);
        }

        double? median = report?.ResultStatistics?.Median;
        return median is null ? "NA" : (median.Value / length).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
