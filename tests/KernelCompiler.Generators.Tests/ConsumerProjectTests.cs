extern alias Generator;

using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>The generator as a user meets it: a fresh console project with a model in AdditionalFiles and a
/// <c>[LutKernel]</c> class, built by <c>dotnet build</c> and run; its printed codes, sums and outputs must equal the
/// reference kernel's bit for bit. (tests/KernelCompiler.Package.Tests does the same through the packed NuGet
/// package.)</summary>
public class ConsumerProjectTests
{
    [Fact]
    public void FreshConsoleProjectBuildsAndPrintsTheReferenceResults()
    {
        // The issue's own scenario: the shipped digits model and the real digits test rows. `kernelc predict
        // --backend reference` is the reference kernel (the CLI tests prove that bit for bit).
        LutModel model = LutModel.Load(Path.Combine(Repository.ModelsDirectory, "digits.lut.json"));
        float[] x = KernelCompiler.IO.NpyFile.Read(SharedData.File("digits", "X_test.npy")).ToSingle();
        string dir = Path.Combine(Path.GetTempPath(), "kernelcompiler-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        try
        {
            model.Save(Path.Combine(dir, ConsumerProgram.ModelPath));
            ConsumerProgram.WriteRows(Path.Combine(dir, "rows.bin"), x);
            File.WriteAllText(Path.Combine(dir, "Program.cs"), ConsumerProgram.Source);
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), ProjectFile());
            // Keep the repository's Directory.*.props out of the way, as in a user's own solution.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");

            ChildProcess.Dotnet(dir, "build", "-c", "Release", "--nologo", "-v", "q");
            string output = ChildProcess.Dotnet(dir, "bin/Release/net10.0/Consumer.dll", "rows.bin");

            ConsumerProgram.AssertPrintsReferenceResults(output, model, x);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // The runtime library and the generator as built for this test run, referenced the way a project references a
    // package's lib and analyzer: nothing in the repository is rebuilt while tests run.
    internal static string ProjectFile()
    {
        string runtime = typeof(LutModel).Assembly.Location;
        string generator = typeof(Generator::KernelCompiler.Generators.LutKernelGenerator).Assembly.Location;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="KernelCompiler" HintPath="{runtime}" />
                <Analyzer Include="{generator}" />
                <AdditionalFiles Include="models/*.lut.json" />
              </ItemGroup>
            </Project>
            """;
    }
}
