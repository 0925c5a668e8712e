using KernelCompiler.Cli;

namespace KernelCompiler.Cli.Tests;

/// <summary>One in-process run of kernelc: exit code and everything it wrote.</summary>
public sealed record KernelcResult(int ExitCode, string Output, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

public static class Kernelc
{
    public static KernelcResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = KernelcApp.Run(args, output, error);
        return new KernelcResult(exit, output.ToString(), error.ToString());
    }
}

/// <summary>A scratch directory deleted after the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kernelc-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
