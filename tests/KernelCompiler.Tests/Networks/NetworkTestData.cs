using KernelCompiler;

namespace KernelCompiler.Tests.Networks;

/// <summary>Small random networks and rows for the network tests.</summary>
internal static class NetworkTestData
{
    public static DenseLayer Dense(int seed, int d, int m, LayerActivation activation = LayerActivation.Identity)
    {
        var random = new Random(seed);
        var w = new float[d * m];
        var b = new float[m];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1) / MathF.Sqrt(d);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() - 0.5);
        return new DenseLayer(d, m, w, b, activation);
    }

    public static float[] Rows(int seed, int rows, int d)
    {
        var random = new Random(seed);
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 4 - 2);
        return x;
    }

    /// <summary>The documented order written as plainly as possible, for comparison with the executor.</summary>
    public static float[] NaiveDense(DenseLayer layer, float[] x, int rows)
    {
        int d = layer.InputDimension, m = layer.OutputDimension;
        var y = new float[rows * m];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < m; j++)
            {
                float s = 0f;
                for (int k = 0; k < d; k++)
                {
                    float p = x[r * d + k] * layer.Weight(k, j);
                    s += p;
                }

                y[r * m + j] = layer.Activate(s + layer.Bias[j]);
            }
        }

        return y;
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
