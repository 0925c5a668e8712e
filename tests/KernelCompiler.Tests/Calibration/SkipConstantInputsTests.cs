using KernelCompiler;
using KernelCompiler.Calibration;

namespace KernelCompiler.Tests.Calibration;

/// <summary><see cref="NetworkCalibrationOptions.SkipConstantInputs"/>: the codebooks are cut among the inputs that
/// vary on the calibration rows, and the trees name the original columns.</summary>
public sealed class SkipConstantInputsTests
{
    /// <summary>Rows whose columns 0–9 and every fourth column after are one value (an empty image border).</summary>
    private static float[] RowsWithConstantColumns(int rows, int d, out bool[] constant)
    {
        float[] x = CalibrationTestData.Rows(5, rows, d);
        constant = new bool[d];
        for (int j = 0; j < d; j++)
        {
            constant[j] = j < 10 || j % 4 == 0;
        }

        for (int n = 0; n < rows; n++)
        {
            for (int j = 0; j < d; j++)
            {
                if (constant[j]) x[n * d + j] = j < 10 ? 0f : 0.25f;
            }
        }

        return x;
    }

    [Fact]
    public void Trees_never_split_on_a_constant_input_and_name_the_original_columns()
    {
        const int d = 48, rows = 600;
        LutNetwork exact = CalibrationTestData.Network(3, d, 40, 6);
        float[] x = RowsWithConstantColumns(rows, d, out bool[] constant);
        var options = new NetworkCalibrationOptions { LayerCodebooks = [8, 8], SkipConstantInputs = true };
        NetworkCalibrationResult result = NetworkCalibrator.Calibrate(exact, x, [], options);
        LutModel first = ((LutLayer)result.Network.Layers[0]).Model;
        Assert.Equal(d, first.InputDimension);
        Assert.Equal(8, first.Codebooks);
        int[] splits = first.SplitDimensions.ToArray();
        Assert.All(splits, s => Assert.False(constant[s], "split on constant column " + s));

        // Each codebook's block lies among the varying columns in order: 29 varying columns in 8 blocks, the first
        // 29 mod 8 of them one column wider (the trainer's split of D columns into C blocks).
        int[] varying = Enumerable.Range(0, d).Where(j => !constant[j]).ToArray();
        int n = varying.Length;
        Assert.Equal(29, n);
        for (int c = 0; c < 8; c++)
        {
            int start = c * (n / 8) + Math.Min(c, n % 8), width = c < n % 8 ? n / 8 + 1 : n / 8;
            int low = varying[start], high = varying[start + width - 1];
            Assert.All(splits.Skip(4 * c).Take(4), s => Assert.InRange(s, low, high));
        }

        // Deterministic, and the fused kernel still gives the reference network's bits on the calibrated network.
        NetworkCalibrationResult again = NetworkCalibrator.Calibrate(exact, x, [], options);
        Assert.Equal(splits, ((LutLayer)again.Network.Layers[0]).Model.SplitDimensions.ToArray());
        var expected = new float[rows * 6];
        var actual = new float[rows * 6];
        NetworkExecutor.CreateReference(result.Network).Multiply(x, expected);
        NetworkKernel.CreateFused(result.Network).Multiply(x, actual);
        Assert.Equal(CalibrationTestData.Bits(expected), CalibrationTestData.Bits(actual));
    }

    [Fact]
    public void Without_constant_inputs_the_option_changes_nothing()
    {
        LutNetwork exact = CalibrationTestData.Network(4, 24, 16, 3);
        float[] x = CalibrationTestData.Rows(6, 400, 24);
        LutNetwork plain = NetworkCalibrator.Calibrate(exact, x, [], new NetworkCalibrationOptions { Codebooks = 4 }).Network;
        LutNetwork skipping = NetworkCalibrator.Calibrate(exact, x, [],
            new NetworkCalibrationOptions { Codebooks = 4, SkipConstantInputs = true }).Network;
        for (int k = 0; k < plain.Layers.Count; k++)
        {
            LutModel a = ((LutLayer)plain.Layers[k]).Model, b = ((LutLayer)skipping.Layers[k]).Model;
            Assert.Equal(a.SplitDimensions.ToArray(), b.SplitDimensions.ToArray());
            Assert.Equal(a.Thresholds.ToArray(), b.Thresholds.ToArray());
            Assert.Equal(a.Tables.ToArray(), b.Tables.ToArray());
        }
    }
}
