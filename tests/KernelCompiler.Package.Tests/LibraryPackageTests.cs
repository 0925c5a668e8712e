using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using KernelCompiler.Generators.Tests;
using KernelCompiler.IO;
using KernelCompiler.Tests;
using Xunit.Abstractions;

namespace KernelCompiler.Package.Tests;

/// <summary>The <c>KernelCompiler</c> package as a stranger gets it: what is inside, and a fresh console project that
/// references it by version, writes only a <c>[LutKernel]</c> class, builds and runs.</summary>
[Collection(PackageFeedCollection.Name)]
public class LibraryPackageTests(PackageFeed feed, ITestOutputHelper output)
{
    [Fact]
    public void PackageHoldsTheLibraryTheGeneratorAsAnAnalyzerAndTheTargets()
    {
        output.WriteLine("packed " + feed.Version + " in " + feed.PackTime.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " s");
        using ZipArchive package = ZipFile.OpenRead(feed.LibraryPackage);
        string[] files = package.Entries.Select(e => e.FullName)
            .Where(name => !name.StartsWith("_rels/", StringComparison.Ordinal) && !name.StartsWith("package/", StringComparison.Ordinal) &&
                           name != "[Content_Types].xml" && !name.EndsWith(".nuspec", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        // The generator is under analyzers/ only: a lib/ copy would be a reference of every consumer and clash with
        // KernelCompiler.dll (it compiles its own copies of LutModel & co.).
        Assert.Equal(
        [
            "README.md",
            "analyzers/dotnet/cs/KernelCompiler.Generators.dll",
            "build/KernelCompiler.targets",
            "buildTransitive/KernelCompiler.targets",
            "lib/net10.0/KernelCompiler.dll",
            "lib/net10.0/KernelCompiler.xml",
        ], files);
        Assert.Equal(
            File.ReadAllText(Path.Combine(Repository.Root, "src", "KernelCompiler", "build", "KernelCompiler.targets")),
            Read(package, "buildTransitive/KernelCompiler.targets"));

        XElement metadata = Nuspec(package);
        Assert.Equal("KernelCompiler", Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "authors")));
        Assert.False(string.IsNullOrWhiteSpace(Value(metadata, "description")));
        Assert.Equal("MIT", Value(metadata, "license"));
        Assert.Equal("README.md", Value(metadata, "readme"));

        // Exactly the library's own package references, at the versions Directory.Packages.props pins.
        XElement group = Assert.Single(metadata.Elements().Single(e => e.Name.LocalName == "dependencies").Elements());
        Assert.Equal("net10.0", group.Attribute("targetFramework")?.Value);
        var dependencies = group.Elements().Select(d => (d.Attribute("id")!.Value, d.Attribute("version")!.Value)).Order().ToArray();
        Assert.Equal([("Google.Protobuf", PinnedVersion("Google.Protobuf")), ("MathNet.Numerics", PinnedVersion("MathNet.Numerics")),
            ("OnnxSharp", PinnedVersion("OnnxSharp")), ("System.Numerics.Tensors", PinnedVersion("System.Numerics.Tensors"))],
            dependencies);

        Assert.True(File.Exists(Path.ChangeExtension(feed.LibraryPackage, ".snupkg")), "no symbols package beside " + feed.LibraryPackage);
    }

    [Fact]
    public void FreshConsoleProjectReferencingThePackageByVersionRunsTheKernel()
    {
        // The shipped digits model (trained on the digits set) and the real digits test rows.
        string dir = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        Directory.CreateDirectory(Path.Combine(dir, "extra"));
        File.Copy(Path.Combine(Repository.ModelsDirectory, "digits.lut.json"), Path.Combine(dir, ConsumerProgram.ModelPath));
        LutModel model = LutModel.Load(Path.Combine(dir, ConsumerProgram.ModelPath));
        float[] x = NpyFile.Read(Path.Combine(SharedData.Root, "digits", "X_test.npy")).ToSingle();
        ConsumerProgram.WriteRows(Path.Combine(dir, "rows.bin"), x);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), ConsumerProgram.Source);

        // A second model the project lists itself, spelled differently from the glob: it must not be added twice.
        File.Copy(Path.Combine(Repository.ModelsDirectory, "random-small.lut.json"), Path.Combine(dir, "extra", "random-small.lut.json"));
        File.WriteAllText(Path.Combine(dir, "Small.cs"), """
            [KernelCompiler.LutKernel("extra/random-small.lut.json")]
            internal static partial class SmallKernel { }
            """);
        // Models under bin/ and obj/ (copies in build output, say) are not the project's models.
        foreach (string decoy in new[] { "bin/decoy.lut.json", "obj/decoy.lut.json", "bin/Release/models/digits.lut.json" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, decoy))!);
            File.WriteAllText(Path.Combine(dir, decoy), "not a model");
        }

        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="KernelCompiler" Version="{{feed.Version}}" />
                <AdditionalFiles Include="./extra\random-small.lut.json" />
              </ItemGroup>
              <!-- For the test: the AdditionalFiles the compiler is given. -->
              <Target Name="ListAdditionalFiles" BeforeTargets="CoreCompile">
                <WriteLinesToFile File="additional-files.txt" Lines="@(AdditionalFiles->'%(FullPath)')" Overwrite="true" />
              </Target>
            </Project>
            """);
        // Keep any Directory.*.props above the temp directory out of the way, as in a user's own solution.
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(dir, "Directory.Build.targets"), "<Project />");
        feed.WriteNuGetConfig(dir);

        ChildProcess.Dotnet(dir, feed.RestoreEnvironment, "build", "-c", "Release", "--nologo", "-v", "q");
        string printed = ChildProcess.Dotnet(dir, "bin/Release/net10.0/Consumer.dll", "rows.bin");
        ConsumerProgram.AssertPrintsReferenceResults(printed, model, x);

        // Each model once, nothing from bin/ or obj/.
        Assert.Equal(
            new[] { Path.Combine(dir, "extra", "random-small.lut.json"), Path.Combine(dir, "models", "digits.lut.json") },
            File.ReadAllLines(Path.Combine(dir, "additional-files.txt")).Order(StringComparer.Ordinal));

        // Restored by version from the feed into the fresh cache; the only compile reference is lib/net10.0.
        Assert.True(Directory.Exists(Path.Combine(feed.Packages, "kernelcompiler", feed.Version.ToLowerInvariant())));
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "obj", "project.assets.json")));
        JsonElement library = assets.RootElement.GetProperty("targets").GetProperty("net10.0").GetProperty("KernelCompiler/" + feed.Version);
        Assert.Equal(["lib/net10.0/KernelCompiler.dll"], library.GetProperty("compile").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["Google.Protobuf", "MathNet.Numerics", "OnnxSharp", "System.Numerics.Tensors"], library.GetProperty("dependencies").EnumerateObject().Select(p => p.Name).Order());
    }

    private static XElement Nuspec(ZipArchive package)
    {
        ZipArchiveEntry entry = package.Entries.Single(e => !e.FullName.Contains('/') && e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using Stream stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string Read(ZipArchive package, string name)
    {
        using var reader = new StreamReader(package.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static string PinnedVersion(string id)
        => XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => p.Attribute("Include")?.Value == id).Attribute("Version")!.Value;
}
