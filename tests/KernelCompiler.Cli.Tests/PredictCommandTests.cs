using KernelCompiler.IO;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

public class PredictCommandTests
{
    public static TheoryData<string, int, int, int, int, LutAggregation> Cases()
    {
        var data = new TheoryData<string, int, int, int, int, LutAggregation>();
        // "generated" runs only the models that ship with a [LutKernel] class: tested below on those; "fused" runs
        // network files only (NetworkCommandTests).
        foreach (string backend in KernelBackends.Names.Where(b => b != "generated" && b != "fused"))
        {
            data.Add(backend, 1, 7, 3, 2, LutAggregation.Exact);
            data.Add(backend, 2, 33, 5, 16, LutAggregation.Average);
            data.Add(backend, 3, 64, 10, 8, LutAggregation.Exact);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_equals_the_reference_kernel_bit_for_bit(string backend, int seed, int d, int m, int c, LutAggregation aggregation)
    {
        using var dir = new TempDirectory();
        LutModel model = RandomModels.Create(seed, d, m, c, aggregation);
        model.Save(dir.File("m.lut.json"));
        const int rows = 37;
        float[] x = RandomModels.Rows(seed + 100, model, rows);
        NpyFile.Write(dir.File("A.npy"), x, rows, d);

        KernelcResult result = Kernelc.Run("predict", "--model", dir.File("m.lut.json"), "--input", dir.File("A.npy"),
            "--backend", backend, "--output", dir.File("Y.npy"));

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

    [SkippableTheory]
    [InlineData("digits.lut.json", "digits")]
    [InlineData("mnist-c16.lut.json", "mnist-mlp512")]
    public void Generated_backend_runs_the_shipped_kernel_and_equals_the_reference(string modelFile, string dataSet)
    {
        using var dir = new TempDirectory();
        string model = Path.Combine(Samples.Root, "..", "kernels", "models", modelFile);
        string input = SharedData.Rows(dataSet, "X_test.npy");

        foreach (string backend in new[] { "generated", "reference" })
        {
            KernelcResult result = Kernelc.Run("predict", "--model", model, "--input", input, "--backend", backend,
                "--output", dir.File(backend + ".npy"));
            Assert.Equal(0, result.ExitCode);
        }

        Assert.Equal(File.ReadAllBytes(dir.File("reference.npy")), File.ReadAllBytes(dir.File("generated.npy")));
    }

    [Fact]
    public void Generated_backend_without_a_shipped_kernel_is_one_line_usage_error()
    {
        using var dir = new TempDirectory();
        RandomModels.Create(77, 6, 2, 2).Save(dir.File("m.lut.json"));
        NpyFile.Write(dir.File("A.npy"), new float[12], 2, 6);

        KernelcResult result = Kernelc.Run("predict", "--model", dir.File("m.lut.json"), "--input", dir.File("A.npy"),
            "--backend", "generated", "--output", dir.File("Y.npy"));

        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("no generated kernel ships for model 'random-77'", result.Error);
        Assert.Contains("DigitsKernel", result.Error);
        Assert.False(File.Exists(dir.File("Y.npy")));
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
