using System.Collections.Concurrent;
using KernelCompiler.IO;

namespace KernelCompiler.Tests.Training;

/// <summary>A matrix read from the real data sets (see SharedData), loaded once per test run.</summary>
public sealed record DataMatrix(float[] Values, int Rows, int Columns);

/// <summary>The real data sets, cached: the im2col files are 30 MB each.</summary>
public static class TrainingData
{
    private static readonly ConcurrentDictionary<string, Lazy<DataMatrix>> Matrices = new();
    private static readonly ConcurrentDictionary<string, Lazy<int[]>> Labels = new();

    public static DataMatrix Matrix(string folder, string file)
        => Matrices.GetOrAdd(folder + "/" + file, key => new Lazy<DataMatrix>(() =>
        {
            NpyArray array = NpyFile.Read(SharedData.File(folder, file));
            (int rows, int columns) = array.Matrix;
            return new DataMatrix(array.ToSingle(), rows, columns);
        })).Value;

    public static float[] Vector(string folder, string file) => Matrix(folder, file).Values;

    public static int[] IntVector(string folder, string file)
        => Labels.GetOrAdd(folder + "/" + file, key => new Lazy<int[]>(
            () => NpyFile.Read(SharedData.File(folder, file)).ToInt32())).Value;

    /// <summary>The model's outputs for <paramref name="x"/> through the reference kernel (N × M).</summary>
    public static float[] Predict(LutModel model, DataMatrix x)
    {
        var y = new float[x.Rows * model.OutputDimension];
        LutKernel.CreateReference(model).Multiply(x.Values, y);
        return y;
    }

    public static double Accuracy(float[] outputs, int classes, int[] labels)
    {
        int correct = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> row = outputs.AsSpan(n * classes, classes);
            int best = 0;
            for (int m = 1; m < classes; m++)
            {
                if (row[m] > row[best]) best = m;
            }

            if (best == labels[n]) correct++;
        }

        return (double)correct / labels.Length;
    }

    /// <summary>‖Y − Ŷ‖² / ‖Y‖².</summary>
    public static double Nmse(ReadOnlySpan<float> exact, ReadOnlySpan<float> approximate)
    {
        double error = 0, norm = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            double e = (double)exact[i] - approximate[i];
            error += e * e;
            norm += (double)exact[i] * exact[i];
        }

        return error / norm;
    }
}
