using KernelCompiler.IO;

namespace KernelCompiler.Cli.Tests;

/// <summary>The shipped samples are what samples/README.md says: shapes, types and the exact accuracies.</summary>
public class SamplesTests
{
    [Theory]
    [InlineData("digits", 1347, 450, 64, 0.96444)]
    [InlineData("mnist-mlp512", 1000, 500, 512, 0.98)]
    public void Sample_sets_have_the_documented_shapes_and_exact_accuracy(string set, int train, int test, int d, double accuracy)
    {
        Matrix xTrain = DataFiles.ReadMatrix(Samples.File(set + "/X_train.npy"), "A");
        Matrix xTest = DataFiles.ReadMatrix(Samples.File(set + "/X_test.npy"), "A");
        Matrix w = DataFiles.ReadMatrix(Samples.File(set + "/W.npy"), "B");
        float[] bias = DataFiles.ReadBias(Samples.File(set + "/b.npy"), w);
        int[] yTrain = DataFiles.ReadLabels(Samples.File(set + "/y_train.npy"), xTrain);
        int[] yTest = DataFiles.ReadLabels(Samples.File(set + "/y_test.npy"), xTest);

        Assert.Equal((train, d), (xTrain.Rows, xTrain.Columns));
        Assert.Equal((test, d), (xTest.Rows, xTest.Columns));
        Assert.Equal((d, 10), (w.Rows, w.Columns));
        Assert.Equal(NpyDataType.Float32, NpyFile.Read(Samples.File(set + "/X_test.npy")).DataType);
        Assert.All(yTrain.Concat(yTest), label => Assert.InRange(label, 0, 9));

        double[] exact = ExactProduct.InDouble(xTest, w, bias);
        Assert.Equal(accuracy, Metrics.Accuracy<double>(exact, 10, yTest), 4);
    }
}
