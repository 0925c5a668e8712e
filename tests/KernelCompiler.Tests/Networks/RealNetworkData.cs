namespace KernelCompiler.Tests.Networks;

/// <summary>The shared MNIST network's folder (shared/data/mnist-mlp-net) through <see cref="SharedData"/>: a test that
/// asks for it is reported as skipped where the real data is absent (a fresh clone), and fails instead under
/// <see cref="SharedData.RequireVariable"/>=1.</summary>
internal static class RealNetworkData
{
    public const string Set = "mnist-mlp-net";

    /// <summary>The folder holding model.onnx, X_train/y_train and X_test/y_test; skips the calling test without it.</summary>
    public static string Directory => Path.GetDirectoryName(SharedData.File(Set, "model.onnx"))!;
}
