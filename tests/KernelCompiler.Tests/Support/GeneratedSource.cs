using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KernelCompiler.Tests;

/// <summary>Compiles generated kernel sources in memory against the .NET 10 reference assemblies and
/// KernelCompiler.dll (the runtime every generated kernel calls, as a consumer of the package has it) and loads them into a
/// collectible context.</summary>
public static class GeneratedSource
{
    private static readonly MetadataReference[] References = Basic.Reference.Assemblies.Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(LutModel).Assembly.Location))
        .ToArray();

    /// <summary>Compiles all <paramref name="sources"/> into one assembly (one compile per group of cases keeps the
    /// suite fast) and fails on any diagnostic of warning severity or above.</summary>
    public static Assembly Compile(IReadOnlyList<string> sources, bool allowUnsafe = false,
        LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        var parse = new CSharpParseOptions(languageVersion);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parse, "Kernel" + i + ".g.cs")).ToArray();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: OptimizationLevel.Release, allowUnsafe: allowUnsafe, nullableContextOptions: NullableContextOptions.Enable)
            .WithWarningLevel(9999)
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>());
        var compilation = CSharpCompilation.Create("GeneratedKernels" + Guid.NewGuid().ToString("N"), trees,
            References, options);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (problems.Count > 0 || !result.Success)
        {
            throw new Xunit.Sdk.XunitException("Generated source has diagnostics:\n" +
                string.Join("\n", problems.Take(20).Select(d => d.ToString())));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-kernels", isCollectible: true);
        return context.LoadFromStream(stream);
    }
}
