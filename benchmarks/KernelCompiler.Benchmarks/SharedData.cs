using System;
using System.IO;
using KernelCompiler.IO;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// The real data sets, which are not part of the repository: the folder named by the KERNELCOMPILER_DATA
/// environment variable, else a shared/data folder found by walking up from the benchmark's own directory
/// (BenchmarkDotNet runs a generated copy several levels below the project).
/// </summary>
public static class SharedData
{
    public static string Root { get; } = Find();

    /// <summary>A 2-D float32 array (a 1-D array is n × 1) and its shape.</summary>
    public static (float[] Values, int Rows, int Columns) Matrix(string folder, string file)
    {
        NpyArray array = NpyFile.Read(Path.Combine(Root, folder, file));
        (int rows, int columns) = array.Matrix;
        return (array.ToSingle(), rows, columns);
    }

    private static string Find()
    {
        string? configured = Environment.GetEnvironmentVariable("KERNELCOMPILER_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "mnist-mlp512")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("the real data sets were not found (no shared/data folder above " +
            AppContext.BaseDirectory + "); set KERNELCOMPILER_DATA to their folder.");
    }
}
