extern alias Generator;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Basic.Reference.Assemblies;
using Generator::KernelCompiler.Generators;
using KernelCompiler;
using KernelCompiler.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using KernelCompiler.Emit;

// Usage: dotnet run -c Release --project generators/KernelCompiler.Generators.Scale [-- --codebooks 16,64 --outputs 10,100 --runs 3]
// For each C × M: a seeded random model (D = 4 C), the generator run on a one-class compilation (fresh driver each run,
// median of the runs after one warm-up), the generated size, and the time to compile the result to IL (one run).
// Wall-clock figures: run it on a quiet machine and say what else was running.
int[] codebooks = Option(args, "--codebooks", [16, 64, 256]);
int[] outputs = Option(args, "--outputs", [10, 100, 1000]);
int runs = Option(args, "--runs", [3])[0];

MetadataReference[] references = Net100.References.All.Cast<MetadataReference>()
    .Append(MetadataReference.CreateFromFile(typeof(LutModel).Assembly.Location)).ToArray();
const string Source = "namespace Scale { [KernelCompiler.LutKernel(\"m.lut.json\")] public static partial class MKernel { } }";
var parse = new CSharpParseOptions(LanguageVersion.Latest);
CSharpCompilation compilation = CSharpCompilation.Create("Scale",
    [CSharpSyntaxTree.ParseText(Source, parse, "/scale/Kernel.cs")], references,
    new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, allowUnsafe: true));

// Warm-up: JIT the generator, the driver and Roslyn's emitter once, so the first row is not charged for it.
Generate(RandomModels.Create(1, 8, 2, 2).ToJson()).Item3.Emit(Stream.Null);

Console.WriteLine("| C | M | model file | generator (median of " + runs + ") | generated | lines | strategy | compile to IL |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---|---:|");
foreach (int c in codebooks)
{
    foreach (int m in outputs)
    {
        LutModel model = RandomModels.Create(seed: c * 7 + m, d: 4 * c, m: m, c: c);
        string json = model.ToJson();
        var times = new List<double>();
        var watch = Stopwatch.StartNew();
        (string Text, ImmutableArray<Diagnostic> Diagnostics, Compilation Output) result = Generate(json);
        times.Add(watch.Elapsed.TotalMilliseconds);
        for (int i = 1; i < runs; i++)
        {
            watch.Restart();
            result = Generate(json);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
        }

        var compile = Stopwatch.StartNew();
        EmitResult emitted = result.Output.Emit(Stream.Null);
        compile.Stop();
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics.Take(5)));
        }

        times.Sort();
        string strategy = result.Diagnostics.Any(d => d.Id == "LUTK005") ? "table-driven (LUTK005)" : "unrolled";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {c} | {m} | {Size(Encoding.UTF8.GetByteCount(json))} | {times[times.Count / 2]:F0} ms | " +
            $"{Size(Encoding.UTF8.GetByteCount(result.Text))} | {result.Text.Count(ch => ch == '\n')} | {strategy} | {compile.Elapsed.TotalMilliseconds:F0} ms |"));
    }
}

(string, ImmutableArray<Diagnostic>, Compilation) Generate(string json)
{
    GeneratorDriver driver = CSharpGeneratorDriver.Create([new LutKernelGenerator().AsSourceGenerator()],
        [new Text("/scale/m.lut.json", json)], parse, new Options());
    driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
    return (driver.GetRunResult().GeneratedTrees.Single().ToString(), diagnostics, output);
}

static string Size(long bytes)
    => bytes >= 1 << 20 ? (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB"
     : (bytes / 1024.0).ToString("F0", CultureInfo.InvariantCulture) + " KB";

static int[] Option(string[] args, string name, int[] fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length
        ? args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
        : fallback;
}

internal sealed class Text(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path => path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

internal sealed class Options : AnalyzerConfigOptionsProvider
{
    private static readonly Values Global = new(new Dictionary<string, string> { ["build_property.projectdir"] = "/scale/" });
    private static readonly Values Empty = new(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions => Global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Empty;

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            => values.TryGetValue(key, out value);
    }
}
