using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Tests.Calibration;

public sealed class TrainToTargetsTests
{
    private static float[] Product(float[] x, int rows, int d, float[] w, int m, float[] bias)
    {
        var y = new float[rows * m];
        for (int n = 0; n < rows; n++)
        for (int j = 0; j < m; j++)
        {
            double s = bias[j];
            for (int k = 0; k < d; k++) s += (double)x[n * d + k] * w[k * m + j];
            y[n * m + j] = (float)s;
        }

        return y;
    }

    private static double Nmse(LutModel model, float[] x, float[] y)
    {
        var approx = new float[y.Length];
        LutKernel.CreateReference(model).Multiply(x, approx);
        double e = 0, s = 0;
        for (int i = 0; i < y.Length; i++) { e += (approx[i] - y[i]) * (double)(approx[i] - y[i]); s += (double)y[i] * y[i]; }
        return e / s;
    }

    private static (float[] X, float[] W, float[] B, float[] Y) Data(int rows = 1500, int d = 20, int m = 6)
    {
        float[] x = CalibrationTestData.Rows(3, rows, d);
        var random = new Random(4);
        float[] w = Enumerable.Range(0, d * m).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, m).Select(_ => (float)(random.NextDouble() * 10)).ToArray();
        return (x, w, b, Product(x, rows, 20, w, m, b));
    }

    [Fact]
    public void Trees_are_the_trainers_and_tables_fit_the_targets_as_well_as_output_fitting()
    {
        (float[] x, float[] w, float[] b, float[] y) = Data();
        var options = new MaddnessTrainerOptions { Codebooks = 5, TableFitting = TableFitting.Outputs };
        LutModel own = MaddnessTrainer.Train(x, 1500, w, 6, b, options);
        LutModel fitted = MaddnessTrainer.TrainToTargets(x, 1500, y, 6, options);

        Assert.Equal(own.SplitDimensions.ToArray(), fitted.SplitDimensions.ToArray());
        Assert.Equal(own.Thresholds.ToArray(), fitted.Thresholds.ToArray());
        Assert.False(fitted.HasPrototypes);
        double ownError = Nmse(own, x, y), fittedError = Nmse(fitted, x, y);
        Assert.True(fittedError < 0.05, "NMSE " + fittedError);
        Assert.True(fittedError <= ownError * 1.05 + 1e-6, fittedError + " vs " + ownError);
    }

    [Fact]
    public void Targets_that_are_a_function_of_the_codes_are_fitted_almost_exactly()
    {
        (float[] x, _, _, _) = Data();
        LutModel trees = MaddnessTrainer.TrainToTargets(x, 1500, new float[1500], 1,
            new MaddnessTrainerOptions { Codebooks = 4 });
        var codes = new byte[1500 * 4];
        LutKernel.CreateReference(trees).Encode(x, codes);

        // y = Σ_c f(c, code) + 100: exactly representable by tables and an offset.
        var y = new float[1500];
        for (int n = 0; n < 1500; n++)
        {
            y[n] = 100;
            for (int c = 0; c < 4; c++) y[n] += (c + 1) * codes[n * 4 + c];
        }

        LutModel model = MaddnessTrainer.TrainToTargets(x, 1500, y, 1, new MaddnessTrainerOptions { Codebooks = 4, RidgeLambda = 1e-6 });
        Assert.True(Nmse(model, x, y) < 1e-5, "NMSE " + Nmse(model, x, y));
    }

    [Fact]
    public void Same_input_gives_the_same_model()
    {
        (float[] x, _, _, float[] y) = Data();
        var options = new MaddnessTrainerOptions { Codebooks = 7, RidgeLambda = 0.5 };
        Assert.Equal(MaddnessTrainer.TrainToTargets(x, 1500, y, 6, options).ToJson(),
            MaddnessTrainer.TrainToTargets(x, 1500, y, 6, options).ToJson());
    }

    [Fact]
    public void Reports_each_tree_and_the_table_fit_and_honours_cancellation()
    {
        (float[] x, _, _, float[] y) = Data();
        var reports = new List<TrainingProgress>();
        MaddnessTrainer.TrainToTargets(x, 1500, y, 6, new MaddnessTrainerOptions { Codebooks = 3 }, new SyncProgress(reports.Add));
        Assert.Equal(
            [new(MaddnessTrainer.TreesStage, 0, 3), new(MaddnessTrainer.TreesStage, 1, 3), new(MaddnessTrainer.TreesStage, 2, 3),
             new(MaddnessTrainer.TreesStage, 3, 3), new(MaddnessTrainer.TablesStage, 0, 1), new(MaddnessTrainer.TablesStage, 1, 1)],
            reports);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => MaddnessTrainer.TrainToTargets(x, 1500, y, 6,
            new MaddnessTrainerOptions { Codebooks = 3 }, null, cancelled.Token));
    }

    [Fact]
    public void Bad_arguments_are_refused_with_the_parameter_named()
    {
        (float[] x, _, _, float[] y) = Data();
        var options = new MaddnessTrainerOptions { Codebooks = 3 };
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => MaddnessTrainer.TrainToTargets(x, 1500, y.AsSpan(1), 6, options)).ParamName);
        float[] bad = (float[])y.Clone();
        bad[7] = float.NaN;
        Assert.Contains("row 1, column 1", Assert.Throws<ArgumentException>(() => MaddnessTrainer.TrainToTargets(x, 1500, bad, 6, options)).Message);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => MaddnessTrainer.TrainToTargets(x.AsSpan(1), 1500, y, 6, options)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => MaddnessTrainer.TrainToTargets(x, 1500, y, 0, options));
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => MaddnessTrainer.TrainToTargets(x, 1500, y, 6,
            new MaddnessTrainerOptions { Codebooks = 21 })).ParamName);
    }

    internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
