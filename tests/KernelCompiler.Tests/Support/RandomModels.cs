namespace KernelCompiler.Tests;

/// <summary>Seeded random models and inputs for property tests.</summary>
public static class RandomModels
{
    public static LutModel Create(int seed, int d, int m, int c, LutAggregation aggregation = LutAggregation.Exact, bool prototypes = false)
    {
        var rng = new Random(seed);
        var splits = new int[c * 4];
        for (int i = 0; i < splits.Length; i++) splits[i] = rng.Next(d);
        var thresholds = new float[c * 15];
        for (int i = 0; i < thresholds.Length; i++)
        {
            // A few leaves that never split, as the trainer writes for tiny buckets.
            thresholds[i] = rng.Next(20) == 0 ? float.MaxValue : (float)(rng.NextDouble() * 4 - 2);
        }

        var tables = new byte[m * c * 16];
        rng.NextBytes(tables);
        var steps = new float[m];
        var offsets = new float[m];
        for (int i = 0; i < m; i++)
        {
            steps[i] = (float)(rng.NextDouble() * 0.1 + 1e-4);
            offsets[i] = (float)(rng.NextDouble() * 20 - 10);
        }

        float[]? protos = null;
        if (prototypes)
        {
            protos = new float[c * 16 * d];
            for (int i = 0; i < protos.Length; i++) protos[i] = (float)(rng.NextDouble() - 0.5);
        }

        return new LutModel(d, m, splits, thresholds, tables, steps, offsets, aggregation, protos, "random-" + seed, "tests");
    }

    /// <summary>Rows drawn around the thresholds' range, with some values equal to a threshold of the model.</summary>
    public static float[] Rows(int seed, LutModel model, int rows)
    {
        var rng = new Random(seed);
        var x = new float[rows * model.InputDimension];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.Next(8) == 0 ? model.Thresholds[rng.Next(model.Thresholds.Length)] : (float)(rng.NextDouble() * 5 - 2.5);
        }

        return x;
    }

    public static float[] Transpose(ReadOnlySpan<float> x, int rows, int columns)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                t[c * rows + r] = x[r * columns + c];
        return t;
    }
}
