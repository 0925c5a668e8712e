using KernelCompiler.Calibration;

namespace KernelCompiler.Tests.Calibration;

public sealed class NetworkKernelTests
{
    public static TheoryData<int, int[], int[]> Networks => new()
    {
        { 1, [24, 16, 12, 4], [8, 0, 4] },
        { 2, [30, 7, 5], [3, 5] },
        { 3, [13, 40, 40, 40, 3], [0, 13, 40, 16] },
        { 4, [64, 33, 10], [64, 33] },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Compiled_and_generic_networks_equal_the_reference_network_bit_for_bit(int seed, int[] widths, int[] codebooks)
    {
        LutNetwork exact = CalibrationTestData.Network(seed, widths);
        float[] train = CalibrationTestData.Rows(seed + 100, 500, widths[0]);
        LutNetwork network = NetworkCalibrator.Calibrate(exact, train, [],
            new NetworkCalibrationOptions { LayerCodebooks = codebooks }).Network;

        foreach (int rows in new[] { 1, 7, 256, 300, 613 })
        {
            float[] x = CalibrationTestData.Rows(seed + rows, rows, widths[0]);
            if (rows == 613)
            {
                // Far outside the calibration rows, and values on thresholds' wrong sides.
                for (int i = 0; i < x.Length; i += 5) x[i] = -x[i] * 50;
            }

            int m = network.OutputDimension;
            var expected = new float[rows * m];
            NetworkExecutor.CreateReference(network).Multiply(x, expected);
            foreach (NetworkExecutor executor in new[] { NetworkKernel.Compile(network), NetworkKernel.CompileLayers(network), NetworkKernel.CreateGeneric(network) })
            {
                var actual = new float[rows * m];
                executor.Multiply(x, actual);
                Assert.Equal(CalibrationTestData.Bits(expected), CalibrationTestData.Bits(actual));
                var classes = new int[rows];
                executor.Predict(x, classes);
                Assert.Equal(Enumerable.Range(0, rows).Select(n => NetworkExecutor.ArgMax(expected.AsSpan(n * m, m))), classes);
            }
        }
    }

    [Fact]
    public void Backends_are_named_and_arguments_checked()
    {
        LutNetwork exact = CalibrationTestData.Network(5, 8, 4, 2);
        Assert.Equal("emitted", NetworkKernel.Compile(exact).Backend);
        Assert.Equal("emitted-layers", NetworkKernel.CompileLayers(exact).Backend);
        Assert.Throws<ArgumentNullException>(() => NetworkKernel.CompileLayers(null!));
        Assert.Equal("generic", NetworkKernel.CreateGeneric(exact).Backend);
        Assert.Throws<ArgumentNullException>(() => NetworkKernel.Compile(null!));
        Assert.Throws<ArgumentException>(() => NetworkKernel.CreateGeneric(exact).Multiply(new float[9], new float[4]));
    }
}
