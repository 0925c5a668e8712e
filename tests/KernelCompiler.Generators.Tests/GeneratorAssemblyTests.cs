extern alias Generator;

using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.Versioning;
using Generator::KernelCompiler.Generators;

namespace KernelCompiler.Generators.Tests;

/// <summary>The generator must load in any compiler host: netstandard2.0, built against a Roslyn no newer than the
/// SDK's, and depending on nothing the host does not bring (no System.Text.Json).</summary>
public class GeneratorAssemblyTests
{
    private static readonly Assembly GeneratorAssembly = typeof(LutKernelGenerator).Assembly;

    [Fact]
    public void TargetsNetStandard20()
    {
        Assert.Equal(".NETStandard,Version=v2.0", GeneratorAssembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
    }

    [Fact]
    public void ReferencesOnlyRoslynAndItsOwnDependencies()
    {
        string[] allowed = ["netstandard", "Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp", "System.Collections.Immutable", "System.Memory"];
        AssemblyName[] references = GeneratorAssembly.GetReferencedAssemblies();

        Assert.All(references, r => Assert.Contains(r.Name, allowed));
        Assert.Equal(new Version(4, 14, 0, 0), references.Single(r => r.Name == "Microsoft.CodeAnalysis").Version);
    }

    /// <summary>The runtime's files the generator links in (its portable PDB lists every source it compiled) say in
    /// their first line that they are netstandard2.0 source too, so a reader of src/ sees it before using a newer API.</summary>
    [Fact]
    public void Every_runtime_file_the_generator_compiles_says_so_in_its_first_line()
    {
        const string Header = "// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator";
        string pdb = Path.ChangeExtension(GeneratorAssembly.Location, ".pdb");
        using var provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
        MetadataReader reader = provider.GetMetadataReader();
        string marker = "/src/KernelCompiler/";
        string[] shared = reader.Documents
            .Select(h => reader.GetString(reader.GetDocument(h).Name).Replace('\\', '/'))
            .Where(p => p.Contains(marker, StringComparison.Ordinal) && p.EndsWith(".cs", StringComparison.Ordinal))
            .Select(p => Path.Combine(Repository.Root, "src", "KernelCompiler", p[(p.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]))
            .ToArray();

        Assert.True(shared.Length > 20, "the generator's PDB lists " + shared.Length + " runtime files");
        Assert.All(shared, p => Assert.True(File.ReadLines(p).First().StartsWith(Header, StringComparison.Ordinal),
            p + " is compiled into the generator but does not say so in its first line"));
    }
}
