extern alias Generator;

using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;
using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>The generator as a user meets it: a fresh console project with a model in AdditionalFiles and a
/// <c>[LutKernel]</c> class, built by <c>dotnet build</c> and run; its printed codes, sums and outputs must equal the
/// reference kernel's bit for bit.</summary>
public class ConsumerProjectTests
{
    private const string ProgramSource = """
        using System;
        using System.Globalization;
        using System.IO;
        using System.Runtime.InteropServices;

        byte[] bytes = File.ReadAllBytes(args[0]);
        float[] x = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        int rows = x.Length / DigitsKernel.InputDimension;
        var codes = new byte[rows * DigitsKernel.Codebooks];
        var sums = new int[rows * DigitsKernel.OutputDimension];
        var y = new float[rows * DigitsKernel.OutputDimension];
        DigitsKernel.Encode(x, codes);
        DigitsKernel.Aggregate(codes, sums);
        DigitsKernel.Multiply(x, y);
        Console.WriteLine("codes " + string.Join(" ", codes));
        Console.WriteLine("sums " + string.Join(" ", sums));
        Console.WriteLine("outputs " + string.Join(" ", Array.ConvertAll(y, v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));

        [KernelCompiler.LutKernel("models/digits.lut.json")]
        public static partial class DigitsKernel { }
        """;

    [Fact]
    public void FreshConsoleProjectBuildsAndPrintsTheReferenceResults()
    {
        // The issue's own scenario: the shipped digits model and the real digits test rows. `kernelc predict
        // --backend reference` is the reference kernel (the CLI tests prove that bit for bit).
        LutModel model = LutModel.Load(Path.Combine(Repository.ModelsDirectory, "digits.lut.json"));
        float[] x = KernelCompiler.IO.NpyFile.Read(Path.Combine(SharedData.Root, "digits", "X_test.npy")).ToSingle();
        int rows = x.Length / model.InputDimension;
        string dir = Path.Combine(Path.GetTempPath(), "kernelcompiler-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(dir, "models"));
        try
        {
            model.Save(Path.Combine(dir, "models", "digits.lut.json"));
            File.WriteAllBytes(Path.Combine(dir, "rows.bin"), x.SelectMany(BitConverter.GetBytes).ToArray());
            File.WriteAllText(Path.Combine(dir, "Program.cs"), ProgramSource);
            File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), ProjectFile());
            // Keep the repository's Directory.*.props out of the way, as in a user's own solution.
            File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(dir, "Directory.Packages.props"), "<Project />");

            Run(dir, "build", "-c", "Release", "--nologo", "-v", "q");
            string output = Run(dir, "bin/Release/net10.0/Consumer.dll", "rows.bin");

            LutKernel reference = LutKernel.CreateReference(model);
            var codes = new byte[rows * model.Codebooks];
            var sums = new int[rows * model.OutputDimension];
            var y = new float[rows * model.OutputDimension];
            reference.Encode(x, codes);
            reference.Aggregate(codes, sums);
            reference.Multiply(x, y);
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal("codes " + string.Join(" ", codes), lines[0]);
            Assert.Equal("sums " + string.Join(" ", sums), lines[1]);
            Assert.Equal("outputs " + string.Join(" ",
                y.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))), lines[2]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // The runtime library and the generator as built for this test run, referenced the way a project references a
    // package's lib and analyzer: nothing in the repository is rebuilt while tests run.
    private static string ProjectFile()
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

    private static string Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dotnet " + string.Join(" ", arguments) + " timed out");
        }

        Assert.True(process.ExitCode == 0,
            "dotnet " + string.Join(" ", arguments) + " failed (" + process.ExitCode + "):\n" + stdout.Result + stderr.Result);
        return stdout.Result;
    }
}
