using KernelCompiler.Tests;
using Microsoft.CodeAnalysis;

namespace KernelCompiler.Generators.Tests;

/// <summary>Small seeded models as model files for the generator.</summary>
public static class Models
{
    public static LutModel Small(int seed = 7, int d = 10, int m = 3, int c = 4,
        LutAggregation aggregation = LutAggregation.Exact)
        => RandomModels.Create(seed, d, m, c, aggregation);

    public static AdditionalText File(string relativePath, LutModel model)
        => GeneratorHarness.File(relativePath, model.ToJson());

    /// <summary>A kernel class in a namespace, the common case.</summary>
    public static string KernelClass(string path = "models/m.lut.json", string name = "MKernel")
        => $$"""
           namespace Consumer
           {
               [KernelCompiler.LutKernel("{{path}}")]
               public static partial class {{name}}
               {
               }
           }
           """;
}
