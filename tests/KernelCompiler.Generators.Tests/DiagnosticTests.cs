using Microsoft.CodeAnalysis;

namespace KernelCompiler.Generators.Tests;

public class DiagnosticTests
{
    private static Diagnostic Single(GeneratorHarness.GeneratorRun run, string id)
    {
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        return diagnostic;
    }

    // The generator carries locations as data and recreates them as file locations: find the text they point at.
    private static string Text(GeneratorHarness.GeneratorRun run, Diagnostic diagnostic)
    {
        string path = diagnostic.Location.GetLineSpan().Path;
        SyntaxTree tree = run.Output.SyntaxTrees.Single(t => t.FilePath == path);
        Assert.Equal(tree.GetLineSpan(diagnostic.Location.SourceSpan).Span, diagnostic.Location.GetLineSpan().Span);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    [Fact]
    public void ValidKernelHasNoDiagnostics()
    {
        var run = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", Models.Small()));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void MissingModelWithNoAdditionalFilesSaysSo()
    {
        var run = GeneratorHarness.Run(Models.KernelClass());

        Diagnostic d = Single(run, "LUTK001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("KernelCompiler.LutKernel(\"models/m.lut.json\")", Text(run, d));
        string message = d.GetMessage();
        Assert.Contains("'models/m.lut.json'", message);
        Assert.Contains("Consumer.MKernel", message);
        Assert.Contains("the project has no AdditionalFiles", message);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void MissingModelListsTheAdditionalFilesThatExist()
    {
        var run = GeneratorHarness.Run(Models.KernelClass("models/typo.lut.json"),
            Models.File("models/m.lut.json", Models.Small()), GeneratorHarness.File("notes.txt", "hello"));

        Diagnostic d = Single(run, "LUTK001");
        string message = d.GetMessage();
        Assert.Contains("looked for '/project/models/typo.lut.json'", message);
        Assert.Contains("'models/m.lut.json', 'notes.txt'", message);
    }

    [Fact]
    public void ModelPathResolvesWithBackslashesAndDotSegments()
    {
        var run = GeneratorHarness.Run(Models.KernelClass(""".\\models\\sub\\..\\m.lut.json"""),
            Models.File("models/m.lut.json", Models.Small()));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void WithoutProjectDirectoryTheUniqueSuffixMatchIsUsed()
    {
        var run = GeneratorHarness.Run(Models.KernelClass(), [Models.File("models/m.lut.json", Models.Small())],
            knowProjectDirectory: false);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void AmbiguousSuffixMatchIsReported()
    {
        var run = GeneratorHarness.Run(Models.KernelClass("m.lut.json"),
            [Models.File("a/m.lut.json", Models.Small()), Models.File("b/m.lut.json", Models.Small())],
            knowProjectDirectory: false);

        Diagnostic d = Single(run, "LUTK001");
        Assert.Contains("matches several AdditionalFiles", d.GetMessage());
    }

    [Fact]
    public void InvalidJsonIsReportedWithTheLoadersMessage()
    {
        const string json = "{ \"format\": \"kernelcompiler-lut\", ";
        string loaderMessage = Assert.Throws<LutModelException>(() => LutModel.Parse(json, "models/m.lut.json")).Message;

        var run = GeneratorHarness.Run(Models.KernelClass(), GeneratorHarness.File("models/m.lut.json", json));

        Diagnostic d = Single(run, "LUTK002");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("KernelCompiler.LutKernel(\"models/m.lut.json\")", Text(run, d));
        Assert.Equal("The model for 'Consumer.MKernel' is invalid: " + loaderMessage, d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void InvalidModelNamesTheFieldAtFault()
    {
        string json = Models.Small().ToJson().Replace("\"version\": 1", "\"version\": 99");

        var run = GeneratorHarness.Run(Models.KernelClass(), GeneratorHarness.File("models/m.lut.json", json));

        Diagnostic d = Single(run, "LUTK002");
        Assert.Contains("models/m.lut.json: $.version: version 99 is not supported", d.GetMessage());
    }

    [Theory]
    [InlineData("public partial class K { }", "the class is not static")]
    [InlineData("public static class K { }", "the class is not partial")]
    [InlineData("public class K { }", "the class is not static (declare it 'static partial class K'); the class is not partial")]
    public void ClassMustBeStaticPartial(string declaration, string reason)
    {
        var run = GeneratorHarness.Run("[KernelCompiler.LutKernel(\"m.lut.json\")]\n" + declaration,
            Models.File("m.lut.json", Models.Small()));

        Diagnostic d = Single(run, "LUTK003");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("K", Text(run, d));
        Assert.Contains("'K' cannot receive a generated kernel: " + reason, d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("namespace N; public partial class Outer { [KernelCompiler.LutKernel(\"m.lut.json\")] public static partial class K { } }",
        "'N.Outer.K' cannot receive a generated kernel: it is nested in 'N.Outer'; declare kernel classes directly in a namespace")]
    [InlineData("namespace N; public class Outer { [KernelCompiler.LutKernel(\"m.lut.json\")] public static partial class K { } }",
        "it is nested in 'N.Outer'")]
    [InlineData("namespace N; [KernelCompiler.LutKernel(\"m.lut.json\")] public static partial class K<T> { }",
        "'N.K<T>' cannot receive a generated kernel: generic kernel classes are not supported")]
    [InlineData("namespace N; [KernelCompiler.LutKernel(\"m.lut.json\")] file static partial class K { }",
        "a file-local class cannot be completed from the generated file")]
    public void UnsupportedDeclarationsAreReported(string source, string message)
    {
        var run = GeneratorHarness.Run(source, Models.File("m.lut.json", Models.Small()));

        Diagnostic d = Single(run, "LUTK003");
        Assert.Equal("K", Text(run, d));
        Assert.Contains(message, d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("null", "the argument is null")]
    [InlineData("\"\"", "the argument is empty")]
    [InlineData("\"  \"", "the argument is empty")]
    public void ModelPathMustBeANonEmptyConstantString(string argument, string reason)
    {
        var run = GeneratorHarness.Run($"[KernelCompiler.LutKernel({argument})] public static partial class K {{ }}",
            Models.File("m.lut.json", Models.Small()));

        Diagnostic d = Single(run, "LUTK004");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(argument, Text(run, d));
        Assert.EndsWith(reason, d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void NonConstantArgumentIsReportedBesideTheCompilerError()
    {
        const string source = """
            public static class Paths { public static readonly string Model = "m.lut.json"; }

            [KernelCompiler.LutKernel(Paths.Model)] public static partial class K { }
            """;
        var run = GeneratorHarness.Run(source, Models.File("m.lut.json", Models.Small()));

        Diagnostic d = Single(run, "LUTK004");
        Assert.Equal("Paths.Model", Text(run, d));
        Assert.EndsWith("the argument is not a compile-time constant", d.GetMessage());
        Assert.Contains(run.CompilationDiagnostics, c => c.Id == "CS0182");
    }

    [Fact]
    public void ConstantFieldIsAcceptedAsModelPath()
    {
        const string source = """
            public static class Paths { public const string Model = "models/" + "m.lut.json"; }
            [KernelCompiler.LutKernel(Paths.Model)] public static partial class K { }
            """;
        var run = GeneratorHarness.Run(source, Models.File("models/m.lut.json", Models.Small()));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void EachBrokenKernelIsReportedOnItsOwnAttribute()
    {
        const string source = """
            namespace N
            {
                [KernelCompiler.LutKernel("good.lut.json")] public static partial class Good { }
                [KernelCompiler.LutKernel("missing.lut.json")] public static partial class Missing { }
                [KernelCompiler.LutKernel("bad.lut.json")] public static partial class Bad { }
            }
            """;
        var run = GeneratorHarness.Run(source, Models.File("good.lut.json", Models.Small()),
            GeneratorHarness.File("bad.lut.json", "[]"));

        Assert.Equal(["LUTK001", "LUTK002"], run.GeneratorDiagnostics.Select(d => d.Id).Order());
        Assert.Equal("KernelCompiler.LutKernel(\"missing.lut.json\")",
            Text(run, run.GeneratorDiagnostics.Single(d => d.Id == "LUTK001")));
        Assert.Equal("KernelCompiler.LutKernel(\"bad.lut.json\")",
            Text(run, run.GeneratorDiagnostics.Single(d => d.Id == "LUTK002")));
        Assert.Single(run.Sources);
    }

    [Fact]
    public void LargeModelIsTableDrivenWithAnInfo()
    {
        LutModel model = Models.Small(seed: 5, d: 40, m: 2, c: 33);

        var run = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", model));

        Diagnostic d = Single(run, "LUTK005");
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("KernelCompiler.LutKernel(\"models/m.lut.json\")", Text(run, d));
        // The plan's reason, as the generated header also states it.
        string header = run.SingleSource.Split('\n').Single(l => l.StartsWith("// Strategy: table-driven (", StringComparison.Ordinal));
        string reason = header["// Strategy: table-driven (".Length..header.LastIndexOf(')')];
        Assert.Contains("the model has 33 codebooks", reason);
        Assert.Equal("Model 'random-5' for 'Consumer.MKernel' is too large to unroll, so a table-driven kernel was generated instead: " +
            reason, d.GetMessage());
        Assert.Empty(run.Problems);
    }

    [Fact]
    public void ModelOfThirtyTwoCodebooksIsUnrolledWithoutInfo()
    {
        var run = GeneratorHarness.Run(Models.KernelClass(), Models.File("models/m.lut.json", Models.Small(seed: 6, d: 40, m: 2, c: 32)));

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains("// Strategy: unrolled;", run.SingleSource);
    }
}
