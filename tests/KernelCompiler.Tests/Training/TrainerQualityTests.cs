using System.Collections.Concurrent;
using System.Diagnostics;
using KernelCompiler.Training;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Training;

/// <summary>
/// The trainer on the real data against the paper-level bars: exact aggregation, tables from the prototypes, trained
/// on X_train and scored on X_test. Each data set is trained once with tables fitted to the outputs; the prototype
/// tables (the bar) are rebuilt from the same model's prototypes, which equals training with
/// <see cref="TableFitting.Prototypes"/> (<see cref="MaddnessTrainerTests.BuildTablesFromOutputsModelEqualsPrototypeTraining"/>).
/// </summary>
public sealed class TrainerQualityTests(ITestOutputHelper output)
{
    private static readonly ConcurrentDictionary<string, Lazy<(LutModel, LutModel, TimeSpan)>> Trained = new();

    // Trained once per data set and C, shared by the tests that score it.
    private static (LutModel Prototypes, LutModel Outputs, TimeSpan Time) Train(DataMatrix x, float[] w, int outputs,
        float[] bias, int codebooks, string key)
        => Trained.GetOrAdd(key + "/" + codebooks, _ => new Lazy<(LutModel, LutModel, TimeSpan)>(
            () => TrainOnce(x, w, outputs, bias, codebooks))).Value;

    private static (LutModel Prototypes, LutModel Outputs, TimeSpan Time) TrainOnce(DataMatrix x, float[] w, int outputs,
        float[] bias, int codebooks)
    {
        var options = new MaddnessTrainerOptions { Codebooks = codebooks, TableFitting = TableFitting.Outputs, Name = "quality", IncludePrototypes = true };
        var clock = Stopwatch.StartNew();
        LutModel fitted = MaddnessTrainer.Train(x.Values, x.Rows, w, outputs, bias, options);
        clock.Stop();
        return (MaddnessTrainer.BuildTables(fitted, w, outputs, bias), fitted, clock.Elapsed);
    }

    private (double Prototypes, double Outputs) Classify(string folder, int codebooks)
    {
        var (prototypes, outputs) = ClassifyModels(folder, codebooks);
        return (prototypes.Accuracy, outputs.Accuracy);
    }

    private ((LutModel Model, double Accuracy) Prototypes, (LutModel Model, double Accuracy) Outputs) ClassifyModels(
        string folder, int codebooks)
    {
        DataMatrix train = TrainingData.Matrix(folder, "X_train.npy"), test = TrainingData.Matrix(folder, "X_test.npy");
        float[] w = TrainingData.Vector(folder, "W.npy"), b = TrainingData.Vector(folder, "b.npy");
        int[] labels = TrainingData.IntVector(folder, "y_test.npy");
        var (prototypes, outputs, time) = Train(train, w, b.Length, b, codebooks, folder);
        double accP = TrainingData.Accuracy(TrainingData.Predict(prototypes, test), b.Length, labels);
        double accO = TrainingData.Accuracy(TrainingData.Predict(outputs, test), b.Length, labels);
        output.WriteLine($"{folder} C={codebooks}: accuracy {accP:P2} (prototype tables), {accO:P2} (output-fitted tables); " +
            $"training {time.TotalSeconds:F2} s on {train.Rows}x{train.Columns}");
        return ((prototypes, accP), (outputs, accO));
    }

    private (double Prototypes, double Outputs) Filter(string weights, string exact, int codebooks)
    {
        const string folder = "im2col-photos";
        DataMatrix train = TrainingData.Matrix(folder, "X_train.npy"), test = TrainingData.Matrix(folder, "X_test.npy");
        DataMatrix w = TrainingData.Matrix(folder, weights);
        float[] y = TrainingData.Vector(folder, exact);
        var (prototypes, outputs, time) = Train(train, w.Values, w.Columns, [], codebooks, weights);
        double nmseP = TrainingData.Nmse(y, TrainingData.Predict(prototypes, test));
        double nmseO = TrainingData.Nmse(y, TrainingData.Predict(outputs, test));
        output.WriteLine($"{weights} C={codebooks}: NMSE {nmseP:F6} (prototype tables), {nmseO:F6} (output-fitted tables); " +
            $"training {time.TotalSeconds:F2} s on {train.Rows}x{train.Columns}");
        return (nmseP, nmseO);
    }

    [SkippableFact]
    public void MnistMlp512_C16_AccuracyAtLeast97Percent()
    {
        var (prototypes, _) = Classify("mnist-mlp512", 16);
        Assert.True(prototypes >= 0.970, $"accuracy {prototypes:P2} < 97.00 %");
    }

    [SkippableFact]
    public void Digits_C16_AccuracyAtLeast93Percent()
    {
        var (prototypes, _) = Classify("digits", 16);
        Assert.True(prototypes >= 0.930, $"accuracy {prototypes:P2} < 93.00 %");
    }

    [SkippableFact]
    public void Im2colSobel_C16_NmseAtMost0080()
    {
        var (prototypes, _) = Filter("W_sobel.npy", "Y_test_sobel.npy", 16);
        Assert.True(prototypes <= 0.080, $"NMSE {prototypes:F5} > 0.080");
    }

    [SkippableFact]
    public void Im2colGauss_C8_NmseAtMost00009()
    {
        var (prototypes, _) = Filter("W_gauss.npy", "Y_test_gauss.npy", 8);
        Assert.True(prototypes <= 0.0009, $"NMSE {prototypes:F6} > 0.0009");
    }

    [SkippableTheory]
    [InlineData(16)]
    [InlineData(32)]
    public void MnistMlp512_AverageAggregationCostsAtMostSevenPoints(int codebooks)
    {
        // docs/algorithm.md §2: the paper's 8-bit averaging cost up to 7 points of accuracy on the reference.
        const string folder = "mnist-mlp512";
        var (exact, _) = ClassifyModels(folder, codebooks);
        DataMatrix test = TrainingData.Matrix(folder, "X_test.npy");
        LutModel average = exact.Model.WithAggregation(LutAggregation.Average);
        double accuracy = TrainingData.Accuracy(TrainingData.Predict(average, test), 10,
            TrainingData.IntVector(folder, "y_test.npy"));
        output.WriteLine($"{folder} C={codebooks}: average aggregation {accuracy:P2} vs exact {exact.Accuracy:P2} " +
            $"(cost {(exact.Accuracy - accuracy) * 100:F2} points)");
        Assert.True(exact.Accuracy - accuracy <= 0.07, $"average {accuracy:P2} vs exact {exact.Accuracy:P2}");
    }
}
