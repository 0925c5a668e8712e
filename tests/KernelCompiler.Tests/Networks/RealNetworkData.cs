namespace KernelCompiler.Tests.Networks;

/// <summary>Finds shared/data/mnist-mlp-net above the test assembly, or null where the real data is absent (a fresh
/// clone): the tests that use it then return early. To become a skip once the suite has one.</summary>
internal static class RealNetworkData
{
    public static string? Directory { get; } = Find();

    private static string? Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "data", "mnist-mlp-net");
            if (File.Exists(Path.Combine(candidate, "model.onnx"))) return candidate;
        }

        return null;
    }
}
