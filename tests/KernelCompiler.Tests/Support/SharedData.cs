namespace KernelCompiler.Tests;

/// <summary>
/// The real data sets. The large ones are not part of the repository: they are found in the folder named by
/// <see cref="DataVariable"/>, else in a <c>shared/data</c> folder above the test assembly (where the project's build
/// machines and CI keep them); a fresh clone has only the repository's own samples/. A test over a data set that is absent is reported as skipped with
/// the reason (its attribute must be [SkippableFact] or [SkippableTheory]), never crashed; with
/// <see cref="RequireVariable"/> set (CI does) an absent data set is a failure instead.
/// </summary>
public static class SharedData
{
    /// <summary>Set to 1 where every data set must be present: a missing one then fails the test.</summary>
    public const string RequireVariable = "KERNELCOMPILER_REQUIRE_SHARED_DATA";

    /// <summary>The folder holding the large data sets (one sub-folder per set), when it is not found by itself.</summary>
    public const string DataVariable = "KERNELCOMPILER_DATA";

    // Data sets the repository ships whole in samples/ (byte-identical to the large copies).
    private static readonly string[] ShippedWhole = ["digits"];

    private static readonly string? Shared = FindShared();

    /// <summary>Whether the large data sets are present.</summary>
    public static bool Present => Shared is not null;

    /// <summary>The repository root: the folder holding KernelCompiler.sln.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The folder of the large data sets; skips the calling test when it is absent.</summary>
    public static string Root
    {
        get
        {
            Require("the real data sets");
            return Shared!;
        }
    }

    /// <summary>A file of a data set: from the large data sets when present, else from samples/ when the repository ships
    /// that set whole; otherwise the calling test is skipped (or fails where <see cref="RequireVariable"/> is set).</summary>
    public static string File(string set, string file)
    {
        if (Shared is not null) return Path.Combine(Shared, set, file);
        if (Array.IndexOf(ShippedWhole, set) >= 0) return Path.Combine(RepositoryRoot, "samples", set, file);
        Require("the data set '" + set + "'");
        return Path.Combine(Shared!, set, file);
    }

    /// <summary>Rows of a data set where any real rows will do (e.g. to compare two kernels): the whole file from
    /// the large data sets when present, else the repository's slice of it in samples/ (the first rows), else the calling
    /// test is skipped.</summary>
    public static string Rows(string set, string file)
    {
        if (Shared is not null) return Path.Combine(Shared, set, file);
        string sample = Path.Combine(RepositoryRoot, "samples", set, file);
        if (System.IO.File.Exists(sample)) return sample;
        Require("the data set '" + set + "'");
        return Path.Combine(Shared!, set, file);
    }

    /// <summary>The reason a test that needs <paramref name="what"/> is skipped, as the test summary prints it.</summary>
    public static string SkipReason(string what)
        => "needs " + what + ", which is not shipped with the repository (set " + DataVariable + " to the folder of the data sets)";

    private static void Require(string what)
    {
        if (Shared is not null) return;
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            throw new DirectoryNotFoundException(SkipReason(what) + ", and " + RequireVariable + "=1 requires it; " +
                "searched above " + AppContext.BaseDirectory);
        }

        throw new SkipException(SkipReason(what));
    }

    private static string? FindShared()
    {
        string? configured = Environment.GetEnvironmentVariable(DataVariable);
        if (!string.IsNullOrEmpty(configured)) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "digits"))) return candidate;
        }

        return null;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "KernelCompiler.sln"))) return dir.FullName;
        }

        throw new DirectoryNotFoundException("KernelCompiler.sln not found above " + AppContext.BaseDirectory);
    }
}
