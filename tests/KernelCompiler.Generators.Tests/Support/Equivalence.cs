using KernelCompiler.Tests;

namespace KernelCompiler.Generators.Tests;

/// <summary>Runs a generated kernel and the reference kernel on the same rows and demands identical codes, sums and
/// outputs (bit for bit), in both input layouts.</summary>
public static class Equivalence
{
    /// <summary>Row counts around every block size (64, 32, 16 rows) and below one block.</summary>
    public static readonly int[] RowCounts = [0, 1, 5, 16, 33, 64, 100, 257];

    public static void AssertEqualToReference(GeneratedKernel kernel, LutModel model, int seed)
    {
        foreach (int rows in RowCounts)
        {
            float[] x = RandomModels.Rows(seed + rows, model, rows);
            if (rows > 2)
            {
                x[3] = float.NaN; // NaN goes left at every level
            }

            AssertEqualOnRows(kernel, model, x);
        }
    }

    /// <summary>Codes, sums and outputs of <paramref name="x"/> (row-major rows) equal the reference's, in both
    /// layouts and from codes.</summary>
    public static void AssertEqualOnRows(GeneratedKernel kernel, LutModel model, float[] x)
    {
        LutKernel reference = LutKernel.CreateReference(model);
        Assert.Equal(model.InputDimension, kernel.Constant("InputDimension"));
        Assert.Equal(model.OutputDimension, kernel.Constant("OutputDimension"));
        Assert.Equal(model.Codebooks, kernel.Constant("Codebooks"));
        int rows = x.Length / model.InputDimension;
        {
            float[] xT = RandomModels.Transpose(x, rows, model.InputDimension);
            int c = model.Codebooks, m = model.OutputDimension;

            byte[] expectedCodes = new byte[rows * c], codes = new byte[rows * c], codesT = new byte[rows * c];
            reference.Encode(x, expectedCodes);
            kernel.Encode(x, codes);
            kernel.EncodeColumnMajor(xT, codesT);
            Assert.Equal(expectedCodes, codes);
            Assert.Equal(expectedCodes, codesT);

            int[] expectedSums = new int[rows * m], sums = new int[rows * m];
            reference.Aggregate(expectedCodes, expectedSums);
            kernel.Aggregate(expectedCodes, sums);
            Assert.Equal(expectedSums, sums);

            float[] expected = new float[rows * m], y = new float[rows * m], yT = new float[rows * m], yCodes = new float[rows * m];
            reference.Multiply(x, expected);
            kernel.Multiply(x, y);
            kernel.MultiplyColumnMajor(xT, yT);
            kernel.MultiplyCodes(expectedCodes, yCodes);
            Assert.Equal(Bits(expected), Bits(y));
            Assert.Equal(Bits(expected), Bits(yT));
            Assert.Equal(Bits(expected), Bits(yCodes));
        }
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
