using System.Reflection;
using KernelCompiler.Kernels;
using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>The trained shipped kernels on the real test rows the repository ships in samples/ (so this runs from any
/// clone, without the large data sets): the generated class, the emitted kernel and the generic kernel, each on this CPU's Auto
/// path, give the reference's codes and output bits in both layouts. scripts/test-arm64.sh runs it under emulation.</summary>
public class SampleRowsTests
{
    [Theory]
    [InlineData("KernelCompiler.Kernels.DigitsKernel", "digits")]
    [InlineData("KernelCompiler.Kernels.MnistC16Kernel", "mnist-mlp512")]
    [InlineData("KernelCompiler.Kernels.MnistC16AverageKernel", "mnist-mlp512")]
    [InlineData("KernelCompiler.Kernels.MnistC32Kernel", "mnist-mlp512")]
    public void EveryBackendEqualsTheReferenceOnSampleRows(string typeName, string sample)
    {
        Type type = typeof(DigitsKernel).Assembly.GetType(typeName, throwOnError: true)!;
        string modelPath = type.GetCustomAttribute<LutKernelAttribute>()!.ModelPath;
        LutModel model = LutModel.Load(Path.Combine(Repository.KernelsProjectDirectory, modelPath));
        float[] x = KernelCompiler.IO.NpyFile.Read(Path.Combine(Repository.Root, "samples", sample, "X_test.npy")).ToSingle();
        Assert.Equal(0, x.Length % model.InputDimension);
        Assert.True(x.Length / model.InputDimension >= 100, "expected the sample's test rows");

        Equivalence.AssertEqualOnRows(new GeneratedKernel(model, type), model, x);
        AssertEqualOnRows(LutKernel.Compile(model), model, x);
        AssertEqualOnRows(LutKernel.CreateGeneric(model), model, x);
    }

    private static void AssertEqualOnRows(LutKernel kernel, LutModel model, float[] x)
    {
        LutKernel reference = LutKernel.CreateReference(model);
        int rows = x.Length / model.InputDimension;
        float[] xT = RandomModels.Transpose(x, rows, model.InputDimension);
        byte[] expectedCodes = new byte[rows * model.Codebooks], codes = new byte[expectedCodes.Length], codesT = new byte[expectedCodes.Length];
        reference.Encode(x, expectedCodes);
        kernel.Encode(x, codes);
        kernel.EncodeColumnMajor(xT, codesT);
        Assert.Equal(expectedCodes, codes);
        Assert.Equal(expectedCodes, codesT);

        float[] expected = new float[rows * model.OutputDimension], y = new float[expected.Length], yT = new float[expected.Length];
        reference.Multiply(x, expected);
        kernel.Multiply(x, y);
        kernel.MultiplyColumnMajor(xT, yT);
        Assert.Equal(Equivalence.Bits(expected), Equivalence.Bits(y));
        Assert.Equal(Equivalence.Bits(expected), Equivalence.Bits(yT));
    }
}
