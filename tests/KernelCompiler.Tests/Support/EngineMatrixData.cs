using KernelCompiler.IO;

namespace KernelCompiler.Tests;

/// <summary>
/// Real test rows for the engine matrix (the large data sets, or samples/ for digits; see SharedData). Trained models come later, so each set gets a random
/// model of its D and M whose thresholds are values of the very columns they split, so codes spread over all 16
/// buckets as a trained model's would.
/// </summary>
public static class EngineMatrixData
{
    public sealed record DataSet(string Name, int Rows, int Outputs, int Codebooks, LutAggregation Aggregation);

    public static readonly DataSet[] Sets =
    [
        new("digits", 450, 10, 16, LutAggregation.Exact),
        new("mnist-mlp512", 2000, 10, 32, LutAggregation.Average),
        new("im2col-photos", 3000, 3, 9, LutAggregation.Exact),
    ];

    public static MatrixCase Case(DataSet set)
    {
        string path = SharedData.Rows(set.Name, "X_test.npy");
        NpyArray array = NpyFile.Read(path);
        var (allRows, d) = array.Matrix;
        int rows = Math.Min(set.Rows, allRows);
        float[] x = array.ToSingle().AsSpan(0, rows * d).ToArray();
        var rng = new Random(set.Name.Length * 7919 + rows);
        int c = set.Codebooks, m = set.Outputs;
        var splits = new int[c * 4];
        var thresholds = new float[c * 15];
        for (int i = 0; i < c; i++)
        {
            for (int level = 0; level < 4; level++)
            {
                int dim = rng.Next(d);
                splits[i * 4 + level] = dim;
                for (int node = 0; node < 1 << level; node++)
                {
                    thresholds[i * 15 + (1 << level) - 1 + node] = x[rng.Next(rows) * d + dim];
                }
            }
        }

        var tables = new byte[m * c * 16];
        rng.NextBytes(tables);
        var steps = Enumerable.Range(0, m).Select(_ => (float)(rng.NextDouble() * 0.01 + 1e-4)).ToArray();
        var offsets = Enumerable.Range(0, m).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var model = new LutModel(d, m, splits, thresholds, tables, steps, offsets, set.Aggregation, name: set.Name);
        return new MatrixCase("data-" + set.Name, model, x, rows);
    }
}
