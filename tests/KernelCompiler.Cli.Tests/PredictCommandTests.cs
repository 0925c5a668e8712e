using KernelCompiler.IO;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

public class PredictCommandTests
{
    [Theory]
    [InlineData(1, 7, 3, 2, LutAggregation.Exact)]
    [InlineData(2, 33, 5, 16, LutAggregation.Average)]
    [InlineData(3, 64, 10, 8, LutAggregation.Exact)]
    public void Output_equals_the_reference_kernel_bit_for_bit(int seed, int d, int m, int c, LutAggregation aggregation)
    {
        using var dir = new TempDirectory();
        LutModel model = RandomModels.Create(seed, d, m, c, aggregation);
        model.Save(dir.File("m.lut.json"));
        const int rows = 37;
        float[] x = RandomModels.Rows(seed + 100, model, rows);
        NpyFile.Write(dir.File("A.npy"), x, rows, d);

        KernelcResult result = Kernelc.Run("predict", "--model", dir.File("m.lut.json"), "--input", dir.File("A.npy"),
            "--backend", "reference", "--output", dir.File("Y.npy"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        NpyArray y = NpyFile.Read(dir.File("Y.npy"));
        Assert.Equal(NpyDataType.Float32, y.DataType);
        Assert.Equal(new[] { rows, m }, y.Shape);
        var expected = new float[rows * m];
        LutKernel.CreateReference(model).Multiply(x, expected);
        float[] actual = y.ToSingle();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
        }
    }

    [Fact]
    public void Hand_model_outputs_are_the_hand_computed_values()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"),
            "--output", dir.File("Y.npy"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new[] { 1f, 2f, 1f, 2f, 3f, 1f }, NpyFile.Read(dir.File("Y.npy")).ToSingle());
    }
}
