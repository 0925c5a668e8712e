extern alias Generator;

using System.Collections.Immutable;
using System.Threading;
using System.Diagnostics.CodeAnalysis;
using Basic.Reference.Assemblies;
using Generator::KernelCompiler.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using KernelCompiler.Emit;

namespace KernelCompiler.Generators.Tests;

/// <summary>Runs <see cref="LutKernelGenerator"/> in memory against .NET 10 reference assemblies and KernelCompiler.dll,
/// as the compiler would in a project whose directory is <see cref="ProjectDirectory"/>.</summary>
public static class GeneratorHarness
{
    public const string ProjectDirectory = "/project/";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References =
        Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LutModel).Assembly.Location))
            .ToImmutableArray();

    /// <summary>Parse options of a project that builds its XML documentation file: documentation comments are
    /// checked (CS1570 malformed XML, CS1591 missing comment...).</summary>
    public static readonly CSharpParseOptions DocumentedParseOptions = ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);

    public static CSharpCompilation Compilation(params string[] sources) => Compilation(ParseOptions, sources);

    public static CSharpCompilation Compilation(CSharpParseOptions parseOptions, params string[] sources)
        => CSharpCompilation.Create("Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, parseOptions, ProjectDirectory + "Source" + i + ".cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true));

    public static AdditionalText File(string relativePath, string text)
        => new InMemoryText(ProjectDirectory + relativePath, text);

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, bool knowProjectDirectory = true, CSharpParseOptions? parseOptions = null)
    {
        var options = new Dictionary<string, string>();
        if (knowProjectDirectory)
        {
            options["build_property.projectdir"] = ProjectDirectory;
        }

        return CSharpGeneratorDriver.Create(
            new[] { new LutKernelGenerator().AsSourceGenerator() },
            files,
            parseOptions ?? ParseOptions,
            new OptionsProvider(options),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Runs the generator once: its diagnostics, the generated sources, and the diagnostics of the compilation
    /// that includes them.</summary>
    public static GeneratorRun Run(string source, params AdditionalText[] files) => Run(source, files, knowProjectDirectory: true);

    public static GeneratorRun Run(string source, AdditionalText[] files, bool knowProjectDirectory, CSharpParseOptions? parseOptions = null)
    {
        CSharpCompilation compilation = Compilation(parseOptions ?? ParseOptions, source);
        GeneratorDriver driver = Driver(files, knowProjectDirectory, parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return new GeneratorRun(diagnostics, result.GeneratedSources, output.GetDiagnostics(), output);
    }

    public sealed record GeneratorRun(
        ImmutableArray<Diagnostic> GeneratorDiagnostics,
        ImmutableArray<GeneratedSourceResult> Sources,
        ImmutableArray<Diagnostic> CompilationDiagnostics,
        Compilation Output)
    {
        public string SingleSource => Assert.Single(Sources).SourceText.ToString();

        /// <summary>Warnings and errors of the whole compilation (user code + generated code).</summary>
        public IReadOnlyList<Diagnostic> Problems
            => CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class OptionsProvider(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value)
            => values.TryGetValue(key, out value);
    }
}
