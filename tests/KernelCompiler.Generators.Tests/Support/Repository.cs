namespace KernelCompiler.Generators.Tests;

/// <summary>Paths in the source tree the tests were built from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string KernelsProjectDirectory => Path.Combine(Root, "kernels", "KernelCompiler.Kernels");

    public static string ModelsDirectory => Path.Combine(Root, "kernels", "models");

    private static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "KernelCompiler.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("KernelCompiler.sln not found above " + AppContext.BaseDirectory);
    }
}
