extern alias Generator;

using Generator::KernelCompiler.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelCompiler.Generators.Tests;

/// <summary>Proves with the driver's step tracking that an edit which changes neither a kernel declaration nor its
/// model regenerates nothing, and that editing the model regenerates exactly that kernel.</summary>
public class IncrementalityTests
{
    private const string KernelSource = """
        namespace Consumer
        {
            public static class Helpers
            {
                public static int Twice(int x) => 2 * x;
            }

            [KernelCompiler.LutKernel("models/a.lut.json")]
            public static partial class AKernel { }

            [KernelCompiler.LutKernel("models/b.lut.json")]
            public static partial class BKernel { }
        }
        """;

    private const string OtherSource = "namespace Consumer { public static class Other { public static int One() => 1; } }";

    private static readonly string[] GenerationSteps = [TrackingNames.Declarations, TrackingNames.Requests, TrackingNames.Inputs, TrackingNames.Results];

    private static (GeneratorDriver Driver, CSharpCompilation Compilation, AdditionalText A, AdditionalText B) FirstRun()
    {
        AdditionalText a = Models.File("models/a.lut.json", Models.Small(seed: 1));
        AdditionalText b = Models.File("models/b.lut.json", Models.Small(seed: 2));
        CSharpCompilation compilation = GeneratorHarness.Compilation(KernelSource, OtherSource);
        GeneratorDriver driver = GeneratorHarness.Driver([a, b]).RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Equal(2, first.GeneratedSources.Length);
        Assert.Empty(first.Diagnostics);
        return (driver, compilation, a, b);
    }

    private static IReadOnlyList<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step)
        => result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    private static void AssertNothingRegenerated(GeneratorRunResult result)
    {
        foreach (string step in GenerationSteps)
        {
            IReadOnlyList<IncrementalStepRunReason> reasons = Reasons(result, step);
            Assert.Equal(2, reasons.Count);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"step {step} ran again: {r}"));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output ran again: {o.Reason}"));
    }

    [Fact]
    public void EditingAnotherFileRegeneratesNothing()
    {
        var (driver, compilation, _, _) = FirstRun();
        SyntaxTree other = compilation.SyntaxTrees.Single(t => t.ToString().Contains("class Other"));
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other,
            CSharpSyntaxTree.ParseText(OtherSource.Replace("=> 1", "=> 1 + 1"), GeneratorHarness.ParseOptions, other.FilePath));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNothingRegenerated(second);
        // The attribute transform may run again (the compilation changed) but yields equal records.
        Assert.All(Reasons(second, TrackingNames.Targets),
            r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void EditingAMethodAboveTheKernelsRegeneratesNothing()
    {
        var (driver, compilation, _, _) = FirstRun();
        SyntaxTree kernels = compilation.SyntaxTrees.Single(t => t.ToString().Contains("AKernel"));
        // The new statement and line move both kernel classes: their attribute locations change, their declarations do not.
        string changed = KernelSource.Replace("public static int Twice(int x) => 2 * x;",
            "public static int Twice(int x)\n        {\n            return x + x;\n        }");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(kernels,
            CSharpSyntaxTree.ParseText(changed, GeneratorHarness.ParseOptions, kernels.FilePath));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(Reasons(second, TrackingNames.Targets), r => Assert.Equal(IncrementalStepRunReason.Modified, r));
        AssertNothingRegenerated(second);
    }

    [Fact]
    public void EditingAModelRegeneratesOnlyItsKernel()
    {
        var (driver, compilation, a, _) = FirstRun();
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName.Contains("AKernel")).SourceText.ToString();
        AdditionalText editedA = Models.File("models/a.lut.json", Models.Small(seed: 3));

        GeneratorDriver next = driver.ReplaceAdditionalText(a, editedA).RunGenerators(compilation);
        GeneratorRunResult second = next.GetRunResult().Results.Single();

        var results = second.TrackedSteps[TrackingNames.Results].Single(s => s.Outputs.Any(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Contains("AKernel", results.Outputs.Single().Value.ToString());
        Assert.Equal(1, Reasons(second, TrackingNames.Results).Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.ModelTexts).Where(r => r != IncrementalStepRunReason.Cached));
        string after = second.GeneratedSources.Single(s => s.HintName.Contains("AKernel")).SourceText.ToString();
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void EditingAnUnrelatedAdditionalFileRegeneratesNothing()
    {
        var (driver, compilation, _, _) = FirstRun();
        AdditionalText notes = GeneratorHarness.File("notes.txt", "one");
        driver = driver.AddAdditionalTexts([notes]).RunGenerators(compilation);

        GeneratorRunResult second = driver.ReplaceAdditionalText(notes, GeneratorHarness.File("notes.txt", "two"))
            .RunGenerators(compilation).GetRunResult().Results.Single();

        AssertNothingRegenerated(second);
    }

    [Fact]
    public void AddingTheMissingModelFileGeneratesTheKernel()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation(Models.KernelClass());
        GeneratorDriver driver = GeneratorHarness.Driver([]).RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Equal("LUTK001", Assert.Single(first.Diagnostics).Id);
        Assert.Empty(first.GeneratedSources);

        GeneratorRunResult second = driver.AddAdditionalTexts([Models.File("models/m.lut.json", Models.Small())])
            .RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Empty(second.Diagnostics);
        Assert.Single(second.GeneratedSources);
        Assert.Equal([IncrementalStepRunReason.Modified], Reasons(second, TrackingNames.Results));
    }

    [Fact]
    public void AddingAKernelLeavesTheOthersCached()
    {
        var (driver, compilation, _, _) = FirstRun();
        CSharpCompilation added = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Consumer { [KernelCompiler.LutKernel(\"models/a.lut.json\")] public static partial class CKernel { } }",
            GeneratorHarness.ParseOptions, GeneratorHarness.ProjectDirectory + "C.cs"));

        GeneratorRunResult second = driver.RunGenerators(added).GetRunResult().Results.Single();

        Assert.Equal(3, second.GeneratedSources.Length);
        IReadOnlyList<IncrementalStepRunReason> reasons = Reasons(second, TrackingNames.Results);
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.New));
        Assert.Equal(2, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }
}
