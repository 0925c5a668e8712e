namespace KernelCompiler.Generators.Tests;

/// <summary>Where a kernel class may be declared: the generated part must compile beside it without a warning.</summary>
public class DeclarationShapeTests
{
    private static GeneratorHarness.GeneratorRun Run(string source)
        => GeneratorHarness.Run(source, Models.File("m.lut.json", Models.Small()));

    private static void AssertCompilesCleanly(GeneratorHarness.GeneratorRun run)
    {
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void GlobalNamespace()
    {
        var run = Run("[KernelCompiler.LutKernel(\"m.lut.json\")] public static partial class K { }");

        AssertCompilesCleanly(run);
        Assert.Equal("K.LutKernel.g.cs", run.Sources[0].HintName);
        Assert.DoesNotContain("namespace", run.SingleSource);
        Assert.NotNull(run.Output.GetTypeByMetadataName("K"));
    }

    [Fact]
    public void FileScopedNamespace()
    {
        var run = Run("namespace A.B;\n[KernelCompiler.LutKernel(\"m.lut.json\")] internal static partial class K { }");

        AssertCompilesCleanly(run);
        Assert.Equal("A.B.K.LutKernel.g.cs", run.Sources[0].HintName);
        Assert.Equal(Microsoft.CodeAnalysis.Accessibility.Internal, run.Output.GetTypeByMetadataName("A.B.K")!.DeclaredAccessibility);
    }

    [Fact]
    public void ClassWithoutAccessibilityModifier()
    {
        var run = Run("namespace A { [KernelCompiler.LutKernel(\"m.lut.json\")] static partial class K { } }");

        AssertCompilesCleanly(run);
    }

    [Fact]
    public void TwoKernelsWithTheSameNameInDifferentNamespaces()
    {
        var run = GeneratorHarness.Run("""
            namespace A { [KernelCompiler.LutKernel("m.lut.json")] public static partial class K { } }
            namespace B { [KernelCompiler.LutKernel("m.lut.json")] public static partial class K { } }
            """, Models.File("m.lut.json", Models.Small()));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(["A.K.LutKernel.g.cs", "B.K.LutKernel.g.cs"], run.Sources.Select(s => s.HintName).Order());
        Assert.Empty(run.Problems);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CompilesWithAndWithoutUnsafeBlocks(bool allowUnsafe)
    {
        var compilation = GeneratorHarness.Compilation(Models.KernelClass());
        compilation = compilation.WithOptions(compilation.Options.WithAllowUnsafe(allowUnsafe));

        GeneratorHarness.Driver([Models.File("models/m.lut.json", Models.Small())])
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Assert.Equal(allowUnsafe, output.SyntaxTrees.Last().ToString().Contains("[SkipLocalsInit]"));
    }
}
