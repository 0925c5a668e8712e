using KernelCompiler;

namespace KernelCompiler.Tests.Calibration;

/// <summary>Small exact networks and rows with some structure (rows near a few centres), for calibration tests.</summary>
internal static class CalibrationTestData
{
    public static DenseLayer Dense(int seed, int d, int m, LayerActivation activation)
    {
        var random = new Random(seed);
        var w = new float[d * m];
        var b = new float[m];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1) / MathF.Sqrt(d);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(random.NextDouble() - 0.5) * 0.2f;
        return new DenseLayer(d, m, w, b, activation);
    }

    /// <summary>An exact network of the given widths, ReLU between layers, identity at the end.</summary>
    public static LutNetwork Network(int seed, params int[] widths)
    {
        var layers = new NetworkLayer[widths.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = Dense(seed + i, widths[i], widths[i + 1], i == layers.Length - 1 ? LayerActivation.Identity : LayerActivation.Relu);
        }

        return new LutNetwork("test-net", NetworkInput.Flat(widths[0]), layers);
    }

    /// <summary>Rows scattered around 8 centres, so a few codebooks can tell them apart.</summary>
    public static float[] Rows(int seed, int rows, int d)
    {
        var random = new Random(seed);
        var centres = new float[8 * d];
        for (int i = 0; i < centres.Length; i++) centres[i] = (float)(random.NextDouble() * 4 - 2);
        var x = new float[rows * d];
        for (int n = 0; n < rows; n++)
        {
            int c = random.Next(8);
            for (int j = 0; j < d; j++) x[n * d + j] = centres[c * d + j] + (float)(random.NextDouble() - 0.5) * 0.5f;
        }

        return x;
    }

    /// <summary>Labels the exact network gives the rows (its argmax), so its accuracy is 100 %.</summary>
    public static int[] Labels(LutNetwork network, float[] x)
    {
        var labels = new int[x.Length / network.InputDimension];
        NetworkExecutor.CreateExact(network).Predict(x, labels);
        return labels;
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
