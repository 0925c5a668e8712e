using System.Diagnostics;
using System.Text.Json;

namespace KernelCompiler.Cli.Tests;

/// <summary>The built kernelc executable, run as a real process: exit codes, stdout and stderr as a shell sees them.</summary>
public class ProcessTests
{
    [Fact]
    public void Built_executable_reports_results_on_stdout_and_errors_as_one_line_with_exit_codes()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        (int exit, string stdout, string stderr) = RunKernelc("eval", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"),
            "--weights", dir.File("B.npy"), "--bias", dir.File("b.npy"), "--labels", dir.File("y.npy"), "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        using (JsonDocument doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal(HandModel.Nmse, doc.RootElement.GetProperty("nmse").GetDouble(), 12);
        }

        (exit, stdout, stderr) = RunKernelc("info", "--model", dir.File("absent.lut.json"));
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("kernelc: error: ", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        (exit, _, stderr) = RunKernelc("eval", "--backend", "turbo");
        Assert.Equal(2, exit);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static (int Exit, string Stdout, string Stderr) RunKernelc(params string[] args)
    {
        // kernelc.dll is copied beside the tests with its runtimeconfig; start it through the same dotnet host that
        // runs the tests, so no apphost or DOTNET_ROOT setup is needed.
        string dll = Path.Combine(AppContext.BaseDirectory, "kernelc.dll");
        Assert.True(File.Exists(dll), "kernelc.dll was not built beside the tests");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "kernelc did not finish");
        return (process.ExitCode, stdout, stderr.Result);
    }

    private static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is not null && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
