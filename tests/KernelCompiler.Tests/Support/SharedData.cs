namespace KernelCompiler.Tests;

/// <summary>The real data sets in ../shared/data beside the repository (CI has them there too).</summary>
public static class SharedData
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "digits"))) return candidate;
        }

        throw new DirectoryNotFoundException("../shared/data (the real data sets) was not found above " + AppContext.BaseDirectory);
    }
}
