using System.Reflection;
using System.Runtime.Loader;
using KernelCompiler.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace KernelCompiler.Generators.Tests;

/// <summary>Generated kernels for a matrix of model shapes, compiled in memory and run against the reference:
/// codes, sums and outputs identical for every row count, both layouts, both aggregations and both strategies.</summary>
public class GeneratedKernelTests
{
    [Theory]
    [InlineData(1, 1, 1, LutAggregation.Exact)]
    [InlineData(5, 3, 2, LutAggregation.Exact)]
    [InlineData(7, 2, 3, LutAggregation.Exact)]
    [InlineData(30, 5, 8, LutAggregation.Average)]
    [InlineData(13, 10, 4, LutAggregation.Exact)]
    [InlineData(50, 7, 16, LutAggregation.Average)]
    [InlineData(45, 4, 17, LutAggregation.Exact)]
    [InlineData(70, 3, 33, LutAggregation.Exact)]
    [InlineData(100, 2, 64, LutAggregation.Average)]
    public void GeneratedKernelEqualsTheReference(int d, int m, int c, LutAggregation aggregation)
    {
        LutModel model = RandomModels.Create(seed: 1000 + c * 10 + m, d, m, c, aggregation);
        var run = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", model));
        Assert.Empty(run.Problems);

        using var stream = new MemoryStream();
        EmitResult emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-kernel", isCollectible: true);
        try
        {
            Assembly assembly = context.LoadFromStream(stream);
            Equivalence.AssertEqualToReference(new GeneratedKernel(model, assembly.GetType("Consumer.MKernel")!), model, seed: c + m);
        }
        finally
        {
            context.Unload();
        }
    }
}
