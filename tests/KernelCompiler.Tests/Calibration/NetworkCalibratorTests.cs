using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.Calibration;
using KernelCompiler.Training;

namespace KernelCompiler.Tests.Calibration;

public sealed class NetworkCalibratorTests
{
    private static readonly LutNetwork Exact = CalibrationTestData.Network(10, 24, 16, 12, 4);
    private static readonly float[] Rows = CalibrationTestData.Rows(11, 800, 24);
    private static readonly int[] Labels = CalibrationTestData.Labels(Exact, Rows);

    [Fact]
    public void Fixed_choice_builds_the_asked_layers_and_reports_in_sample_figures()
    {
        var options = new NetworkCalibrationOptions { LayerCodebooks = [8, 0, 4] };
        NetworkCalibrationResult result = NetworkCalibrator.Calibrate(Exact, Rows, Labels, options);

        Assert.Equal(CalibrationCriterion.Fixed, result.Criterion);
        Assert.IsType<LutLayer>(result.Network.Layers[0]);
        Assert.Same(Exact.Layers[1], result.Network.Layers[1]);
        Assert.Equal(4, ((LutLayer)result.Network.Layers[2]).Model.Codebooks);
        Assert.Equal([8, 0, 4], result.Layers.Select(l => l.Codebooks));
        Assert.Equal([LayerActivation.Relu, LayerActivation.Relu, LayerActivation.Identity],
            result.Network.Layers.Select(l => l.Activation));
        Assert.False(result.EvaluatedOnHeldBackRows);
        Assert.Equal(800, result.EvaluationRows);
        Assert.Equal(1.0, result.ExactAccuracy);
        Assert.Equal(8L * 16 + 16 * 12 + 4 * 4, result.Cost);
        Assert.Equal(24L * 16 + 16 * 12 + 12 * 4, result.ExactCost);

        // The figures are those of the reference executor on the same rows.
        var approximate = new float[800 * 4];
        NetworkExecutor.CreateReference(result.Network).Multiply(Rows, approximate);
        var exact = new float[800 * 4];
        NetworkExecutor.CreateExact(Exact).Multiply(Rows, exact);
        double error = 0, norm = 0;
        for (int i = 0; i < exact.Length; i++) { error += Math.Pow((double)approximate[i] - exact[i], 2); norm += (double)exact[i] * exact[i]; }
        Assert.Equal(error / norm, result.Nmse, 12);
        Assert.Equal(result.Nmse, result.Layers[2].Nmse, 12);
        int correct = Enumerable.Range(0, 800).Count(n => NetworkExecutor.ArgMax(approximate.AsSpan(n * 4, 4)) == Labels[n]);
        Assert.Equal(correct / 800.0, result.Accuracy);
    }

    [Fact]
    public void Same_input_gives_the_same_network()
    {
        var options = new NetworkCalibrationOptions { MaxNmse = 0.05, CandidateCodebooks = [2, 4, 8] };
        NetworkCalibrationResult a = NetworkCalibrator.Calibrate(Exact, Rows, Labels, options);
        NetworkCalibrationResult b = NetworkCalibrator.Calibrate(Exact, Rows, Labels, options);
        Assert.Equal(a.Network.ToJson(), b.Network.ToJson());
        Assert.Equal(a.Layers.SelectMany(l => l.Trials), b.Layers.SelectMany(l => l.Trials));
    }

    [Fact]
    public void Teacher_fitting_corrects_upstream_error_better_than_fitting_each_layer_alone()
    {
        var teacher = NetworkCalibrator.Calibrate(Exact, Rows, Labels, new NetworkCalibrationOptions { Codebooks = 2 });
        var alone = NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { Codebooks = 2, Targets = CalibrationTargets.LayerOutputs });
        Assert.Equal(teacher.Layers[0].Nmse, alone.Layers[0].Nmse, 12);   // nothing upstream: the same targets
        Assert.True(teacher.Nmse < alone.Nmse, teacher.Nmse + " vs " + alone.Nmse);
    }

    [Fact]
    public void Automatic_choice_keeps_its_budget_on_the_held_back_rows_at_least_cost()
    {
        var options = new NetworkCalibrationOptions { MaxNmse = 0.02, CandidateCodebooks = [1, 2, 4, 8, 12] };
        NetworkCalibrationResult result = NetworkCalibrator.Calibrate(Exact, Rows, [], options);

        Assert.Equal(CalibrationCriterion.Nmse, result.Criterion);
        Assert.True(result.EvaluatedOnHeldBackRows);
        Assert.Equal(160, result.EvaluationRows);
        Assert.Equal(640, result.TrainingRows);
        Assert.True(result.Nmse <= 0.02, "NMSE " + result.Nmse);
        Assert.Null(result.Accuracy);
        foreach (LayerCalibration layer in result.Layers)
        {
            Assert.NotEmpty(layer.Trials);
            // Every candidate before the kept one was over its allowance; the kept one (if any) within it.
            Assert.All(layer.Trials.Take(layer.Trials.Count - 1), t => Assert.True(t.Measured > t.Allowance && !t.Accepted));
            CalibrationTrial last = layer.Trials[^1];
            Assert.Equal(!layer.IsExact, last.Accepted);
            if (!layer.IsExact) Assert.Equal(last.Codebooks, layer.Codebooks);
        }

        // The last layer gets the whole budget; earlier ones a share in proportion to the exact cost up to them.
        Assert.Equal(0.02, result.Layers[2].Trials[0].Allowance, 15);
        Assert.Equal(0.02 * 384 / 624, result.Layers[0].Trials[0].Allowance, 15);
    }

    [Fact]
    public void Generous_budget_takes_the_cheapest_candidates_and_an_impossible_one_keeps_every_layer_exact()
    {
        NetworkCalibrationResult cheap = NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { MaxAccuracyLoss = 1, CandidateCodebooks = [4, 2] });
        Assert.Equal([2, 2, 2], cheap.Layers.Select(l => l.Codebooks));
        Assert.Equal(CalibrationCriterion.AccuracyLoss, cheap.Criterion);

        NetworkCalibrationResult exact = NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { MaxNmse = 1e-12, CandidateCodebooks = [2], ExactLayers = [1] });
        Assert.All(exact.Layers, l => Assert.True(l.IsExact));
        Assert.Equal("kept exact as asked", exact.Layers[1].Reason);
        Assert.Empty(exact.Layers[1].Trials);
        Assert.StartsWith("exact: no candidate", exact.Layers[0].Reason);
        Assert.Equal(0, exact.Nmse);
        Assert.Equal(exact.ExactCost, exact.Cost);
    }

    [Fact]
    public void Progress_is_reported_per_layer_and_stage_in_order()
    {
        var reports = new List<CalibrationProgress>();
        NetworkCalibrator.Calibrate(Exact, Rows, Labels, new NetworkCalibrationOptions { LayerCodebooks = [4, 0, 2] },
            new SyncProgress(reports.Add));
        Assert.All(reports, r => Assert.Equal(3, r.Layers));
        Assert.Equal(reports.Select(r => r.Layer).Order(), reports.Select(r => r.Layer));
        string[] Stages(int layer) => reports.Where(r => r.Layer == layer).Select(r => r.Stage).Distinct().ToArray();
        Assert.Equal([NetworkCalibrator.ExactStage, MaddnessTrainer.TreesStage, MaddnessTrainer.TablesStage, NetworkCalibrator.EvaluateStage], Stages(0));
        Assert.Equal([NetworkCalibrator.ExactStage], Stages(1));
        Assert.Contains(new CalibrationProgress(2, 3, 2, MaddnessTrainer.TreesStage, 2, 2), reports);
        Assert.Contains(new CalibrationProgress(0, 3, 4, MaddnessTrainer.TablesStage, 1, 1), reports);
    }

    [Fact]
    public void Cancellation_is_honoured_within_a_second()
    {
        // Big enough to run for many seconds: 256 inputs, 128 codebooks a layer, 6000 rows.
        LutNetwork network = CalibrationTestData.Network(20, 256, 256, 256, 10);
        float[] rows = CalibrationTestData.Rows(21, 6000, 256);
        using var cts = new CancellationTokenSource();
        using var started = new ManualResetEventSlim();
        var progress = new SyncProgress(p => { if (p.Stage == MaddnessTrainer.TreesStage && p.Completed >= 2) started.Set(); });
        Task task = Task.Run(() => NetworkCalibrator.Calibrate(network, rows, [], new NetworkCalibrationOptions { Codebooks = 128 },
            progress, cts.Token));
        Assert.True(started.Wait(TimeSpan.FromSeconds(120)), "calibration did not start training");
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => task.GetAwaiter().GetResult());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "cancellation took " + clock.Elapsed);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_what_was_expected()
    {
        var options = new NetworkCalibrationOptions { Codebooks = 4 };
        Assert.Contains("already a LUT layer", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(
            NetworkCalibrator.Calibrate(Exact, Rows, [], options).Network, Rows, [], options)).Message);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows.AsSpan(1), [], options)).ParamName);
        float[] nan = (float[])Rows.Clone();
        nan[25] = float.NaN;
        Assert.Contains("row 1, column 1", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, nan, [], options)).Message);
        int[] badLabels = (int[])Labels.Clone();
        badLabels[3] = 4;
        Assert.Contains("Label 3 is 4", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, badLabels, options)).Message);
        Assert.Contains("needs labels", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, [],
            new NetworkCalibrationOptions { MaxAccuracyLoss = 0.01 })).Message);
        Assert.Contains("both set", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { MaxAccuracyLoss = 0.01, MaxNmse = 0.1 })).Message);
        Assert.Contains("3 layers", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { LayerCodebooks = [4, 4] })).Message);
        Assert.Contains("layer 3", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { ExactLayers = [3] })).Message);
        Assert.Contains("257", Assert.Throws<ArgumentException>(() => NetworkCalibrator.Calibrate(Exact, Rows, Labels,
            new NetworkCalibrationOptions { Codebooks = 257 })).Message);
    }

    internal sealed class SyncProgress(Action<CalibrationProgress> report) : IProgress<CalibrationProgress>
    {
        public void Report(CalibrationProgress value) => report(value);
    }
}
