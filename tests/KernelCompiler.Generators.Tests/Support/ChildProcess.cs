using System.Diagnostics;
using System.Threading.Tasks;

namespace KernelCompiler.Generators.Tests;

/// <summary>What a child process wrote and how it ended.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);

/// <summary>Runs <c>dotnet</c> (build, pack, tool install, a built program) or another program as a child process
/// for the tests that act like a user at a shell: no telemetry, no banner, no MSBuild nodes left running.</summary>
public static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Runs <c>dotnet arguments...</c> in <paramref name="directory"/> and returns its standard output;
    /// fails the test when it exits with anything but 0.</summary>
    public static string Dotnet(string directory, params string[] arguments) => Dotnet(directory, null, arguments);

    public static string Dotnet(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => Dotnet(directory, environment, DefaultTimeout, arguments);

    public static string Dotnet(string directory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] arguments)
    {
        ProcessResult result = Run("dotnet", directory, arguments, environment, timeout);
        Assert.True(result.ExitCode == 0,
            "dotnet " + string.Join(" ", arguments) + " failed (" + result.ExitCode + "):\n" + result.Output + result.Error);
        return result.Output;
    }

    public static ProcessResult Run(string fileName, string directory, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
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
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail(fileName + " " + string.Join(" ", arguments) + " timed out after " + (timeout ?? DefaultTimeout));
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
