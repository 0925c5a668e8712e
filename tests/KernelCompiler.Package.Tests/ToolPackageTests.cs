using System.IO.Compression;
using System.Runtime.InteropServices;
using KernelCompiler.Generators.Tests;
using KernelCompiler.IO;

namespace KernelCompiler.Package.Tests;

/// <summary>The <c>kernelc</c> tool as a stranger gets it: <c>dotnet tool install</c> from the feed by version, then
/// <c>--version</c>, <c>train</c> on the digits sample, <c>info</c>, and <c>predict</c> with the generated and emitted
/// backends, bit for bit against the reference kernel.</summary>
[Collection(PackageFeedCollection.Name)]
public class ToolPackageTests(PackageFeed feed)
{
    [Fact]
    public void ToolPackageIsADotnetToolWithEverythingItLoads()
    {
        using ZipArchive package = ZipFile.OpenRead(feed.ToolPackage);
        var files = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        // kernelc's project references travel inside the tool (a tool package has no dependencies to restore).
        foreach (string file in new[] { "kernelc.dll", "KernelCompiler.dll", "KernelCompiler.Kernels.dll", "MathNet.Numerics.dll",
                     "System.Numerics.Tensors.dll", "OnnxSharp.dll", "Google.Protobuf.dll", "System.CommandLine.dll", "Spectre.Console.dll",
                     "DotnetToolSettings.xml" })
        {
            Assert.Contains("tools/net10.0/any/" + file, files);
        }

        Assert.DoesNotContain(files, f => f.Contains("KernelCompiler.Generators", StringComparison.Ordinal));
        Assert.Contains("README.md", files);
    }

    [Fact]
    public void InstalledToolTrainsAModelThatLoadsAndPredictsLikeTheReference()
    {
        string tools = Path.Combine(feed.Root, "tools");
        string work = Path.Combine(feed.Root, "tool-run");
        Directory.CreateDirectory(work);
        // The brief's command; run from a directory of its own, so the machine's NuGet configuration plus the feed.
        ChildProcess.Dotnet(work, feed.RestoreEnvironment,
            "tool", "install", "--tool-path", tools, "--add-source", feed.Feed, "KernelCompiler.Cli", "--version", feed.Version);
        string kernelc = Path.Combine(tools, OperatingSystem.IsWindows() ? "kernelc.exe" : "kernelc");

        Assert.Equal(feed.Version, Kernelc(work, "--version").Trim());

        string samples = Path.Combine(Repository.Root, "samples", "digits");
        string trained = Path.Combine(work, "digits.lut.json");
        Kernelc(work, "train", "--input", Path.Combine(samples, "X_train.npy"), "--weights", Path.Combine(samples, "W.npy"),
            "--bias", Path.Combine(samples, "b.npy"), "--codebooks", "16", "--output", trained);
        LutModel model = LutModel.Load(trained);
        Assert.Equal((64, 10, 16), (model.InputDimension, model.OutputDimension, model.Codebooks));
        Assert.Equal("kernelc " + feed.Version, model.Producer);

        string info = Kernelc(work, "info", "--model", trained);
        Assert.Contains("D = 64 inputs, M = 10 outputs, C = 16", info);
        Assert.Contains("sha256       " + model.ComputeSha256(), info);

        // predict: the emitted backend on the model just trained, and the generated backend (a [LutKernel] class
        // compiled into KernelCompiler.Kernels.dll inside the tool) on the shipped digits model.
        float[] x = NpyFile.Read(Path.Combine(samples, "X_test.npy")).ToSingle();
        string shipped = Path.Combine(Repository.ModelsDirectory, "digits.lut.json");
        foreach ((string modelPath, string backend) in new[] { (trained, "emitted"), (shipped, "generated") })
        {
            string y = Path.Combine(work, backend + ".npy");
            Kernelc(work, "predict", "--model", modelPath, "--input", Path.Combine(samples, "X_test.npy"), "--backend", backend, "--output", y);
            LutModel m = LutModel.Load(modelPath);
            var expected = new float[x.Length / m.InputDimension * m.OutputDimension];
            LutKernel.CreateReference(m).Multiply(x, expected);
            NpyArray actual = NpyFile.Read(y);
            Assert.Equal([x.Length / m.InputDimension, m.OutputDimension], actual.Shape);
            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.ToSingle().Select(BitConverter.SingleToInt32Bits));
        }

        string Kernelc(string directory, params string[] arguments)
        {
            ProcessResult result = ChildProcess.Run(kernelc, directory, arguments, DotnetRoot());
            Assert.True(result.ExitCode == 0, "kernelc " + string.Join(" ", arguments) + " failed (" + result.ExitCode + "):\n" + result.Output + result.Error);
            return result.Output;
        }
    }

    // The tool's launcher finds the runtime through DOTNET_ROOT when the runtime is not installed where it looks by
    // default; point it at the runtime running this test.
    private static Dictionary<string, string> DotnetRoot()
    {
        var environment = new Dictionary<string, string>();
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT")))
        {
            // .../shared/Microsoft.NETCore.App/<version>/ -> ...
            string runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        }

        return environment;
    }
}
