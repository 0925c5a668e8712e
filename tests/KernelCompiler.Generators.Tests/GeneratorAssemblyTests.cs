extern alias Generator;

using System.Reflection;
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
}
