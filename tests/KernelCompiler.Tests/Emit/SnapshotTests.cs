using KernelCompiler.Planning;
namespace KernelCompiler.Tests.Emit;

/// <summary>The generated source of two small models, kept as reviewed <c>.verified.cs</c> files so every change
/// to the writer shows up as a readable diff (see <see cref="Snapshot"/> for the accept workflow).</summary>
public class SnapshotTests
{
    // Two codebooks over five inputs, two outputs: small enough to read whole.
    private static LutModel TwoCodebooks(LutAggregation aggregation = LutAggregation.Exact)
    {
        int[] splits = [0, 1, 1, 2, 3, 4, 3, 0];
        var thresholds = new float[30];
        for (int i = 0; i < 30; i++) thresholds[i] = (i % 7 - 3) * 0.25f + i * 0.001f;
        thresholds[14] = float.MaxValue;
        var tables = new byte[2 * 2 * 16];
        for (int i = 0; i < tables.Length; i++) tables[i] = (byte)(i * 37 % 256);
        return new LutModel(5, 2, splits, thresholds, tables, [0.5f, 0.125f], [-1.5f, 2f], aggregation, null, "two-codebooks", "snapshot");
    }

    [Fact]
    public void UnrolledExactKernel()
        => Verify("TwoCodebooks", LutKernel.GenerateSource(TwoCodebooks(), null, "TwoCodebooksKernel", "Snapshots"));

    // Auto: the fused path's average Scan (blocks of 64 rows, a rounding-average tree) where the CPU has VBMI.
    [Fact]
    public void UnrolledAverageKernel()
        => Verify("TwoCodebooksAverage", LutKernel.GenerateSource(TwoCodebooks(LutAggregation.Average), null,
            "TwoCodebooksAverageKernel", "Snapshots"));

    [Fact]
    public void TableDrivenAverageKernel()
        => Verify("TwoCodebooksAverageTableDriven", LutKernel.GenerateSource(TwoCodebooks(LutAggregation.Average),
            new LutKernelOptions { InstructionSet = KernelInstructionSet.Avx2, Strategy = KernelStrategy.TableDriven },
            "TwoCodebooksAverageKernel", "Snapshots"));

    /// <summary>The fused path's row-major encoder where rows hold whole vectors (D = 40 ≥ 16): windows of the rows
    /// permuted into slot vectors, one of them ending at the row's end.</summary>
    [Fact]
    public void RowGatherKernel()
        => Verify("RowGather", LutKernel.GenerateSource(RandomModels.Create(7, 40, 1, 5), null, "RowGatherKernel", "Snapshots"));

    private static void Verify(string name, string actual) => Snapshot.Verify(actual, name);
}
