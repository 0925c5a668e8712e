using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>The generated source of small fixed models, reviewed as readable .cs files (Snapshots/*.verified.cs).
/// The models are seeded, so the files change only when the generator or the writer does.</summary>
public class SnapshotTests
{
    [Theory]
    [InlineData("C1_M1_D3", 11, 3, 1, 1, LutAggregation.Exact)]
    [InlineData("C1_M3_D2", 12, 2, 3, 1, LutAggregation.Exact)]
    [InlineData("C2_M1_D5", 13, 5, 1, 2, LutAggregation.Exact)]
    [InlineData("C2_M3_D7", 14, 7, 3, 2, LutAggregation.Average)]
    [InlineData("C4_M1_D9", 15, 9, 1, 4, LutAggregation.Exact)]
    [InlineData("C4_M3_D10", 16, 10, 3, 4, LutAggregation.Average)]
    public void GeneratedSourceMatchesSnapshot(string name, int seed, int d, int m, int c, LutAggregation aggregation)
    {
        LutModel model = RandomModels.Create(seed, d, m, c, aggregation);
        string source = $$"""
            namespace Snapshots
            {
                [KernelCompiler.LutKernel("models/{{name}}.lut.json")]
                public static partial class {{name}}Kernel
                {
                }
            }
            """;

        var run = GeneratorHarness.Run(source, Models.File($"models/{name}.lut.json", model));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Problems);
        Snapshot.Verify(run.SingleSource, name);
    }

    [Fact]
    public void GeneratedSourceIsDeterministic()
    {
        var run1 = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", Models.Small(seed: 9)));
        var run2 = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", Models.Small(seed: 9)));

        Assert.Equal(run1.SingleSource, run2.SingleSource);
    }
}
