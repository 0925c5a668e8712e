namespace KernelCompiler.Cli.Tests;

/// <summary>The repository's samples/ folder (the demo's data).</summary>
public static class Samples
{
    public static string Root { get; } = Find();

    public static string File(string relative) => Path.Combine(Root, relative);

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "samples");
            if (System.IO.File.Exists(Path.Combine(candidate, "digits", "X_train.npy")) && System.IO.File.Exists(Path.Combine(dir.FullName, "KernelCompiler.sln")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/ was not found above " + AppContext.BaseDirectory);
    }
}
