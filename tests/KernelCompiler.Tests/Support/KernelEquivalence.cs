namespace KernelCompiler.Tests;

/// <summary>Runs one kernel and the reference on the same inputs and demands identical codes, sums and output
/// bits for every entry point and layout.</summary>
public static class KernelEquivalence
{
    /// <summary>Random models covering the matrix: C from 1 to 256 (odd ones too), M up to 300, D not a multiple
    /// of C, both aggregations (average needs C in {1, 2, 4, 8} or a multiple of 16).</summary>
    public static IReadOnlyList<LutModel> Models { get; } =
    [
        RandomModels.Create(1, 1, 1, 1),
        RandomModels.Create(2, 7, 3, 3),
        RandomModels.Create(3, 33, 5, 16, LutAggregation.Average),
        RandomModels.Create(4, 20, 17, 5),
        RandomModels.Create(5, 70, 9, 32),
        RandomModels.Create(6, 50, 2, 8, LutAggregation.Average),
        RandomModels.Create(7, 13, 300, 2),
        RandomModels.Create(8, 45, 4, 32, LutAggregation.Average),
        RandomModels.Create(9, 100, 3, 31),
        RandomModels.Create(10, 9, 40, 1, LutAggregation.Average),
        RandomModels.Create(11, 5, 6, 4, LutAggregation.Average),
        RandomModels.Create(12, 3, 2, 2, LutAggregation.Average),
    ];

    /// <summary>Models the planner makes table-driven (C above the unroll limit).</summary>
    public static IReadOnlyList<LutModel> LargeModels { get; } =
    [
        RandomModels.Create(20, 300, 5, 256),
        RandomModels.Create(21, 70, 3, 48, LutAggregation.Average),
        RandomModels.Create(22, 40, 7, 33),
    ];

    /// <summary>0, 1, block − 1, block, block + 1 for every path (64, 32, 16) and a few hundred.</summary>
    public static int[] RowCounts { get; } = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 300];

    public static void AssertMatchesReference(LutKernel kernel, int seed, IEnumerable<int>? rowCounts = null)
    {
        foreach (int rows in rowCounts ?? RowCounts)
        {
            AssertMatchesReference(kernel, rows, seed + rows);
        }
    }

    public static void AssertMatchesReference(LutKernel kernel, int rows, int seed)
    {
        LutModel model = kernel.Model;
        LutKernel reference = LutKernel.CreateReference(model);
        int d = model.InputDimension, m = model.OutputDimension, c = model.Codebooks;
        float[] x = Inputs(seed, model, rows);
        float[] xt = RandomModels.Transpose(x, rows, d);
        string what = kernel.Backend + " " + model.Name + " (D=" + d + ", M=" + m + ", C=" + c + ", " + model.Aggregation + "), rows=" + rows;

        var expectedCodes = new byte[rows * c];
        reference.Encode(x, expectedCodes);
        var codes = new byte[rows * c];
        kernel.Encode(x, codes);
        AssertSame(expectedCodes, codes, what + ": Encode");
        Array.Clear(codes);
        kernel.EncodeColumnMajor(xt, codes);
        AssertSame(expectedCodes, codes, what + ": EncodeColumnMajor");

        var expectedSums = new int[rows * m];
        reference.Aggregate(expectedCodes, expectedSums);
        var sums = new int[rows * m];
        kernel.Aggregate(expectedCodes, sums);
        AssertSame(expectedSums, sums, what + ": Aggregate");

        var expected = new float[rows * m];
        reference.Multiply(x, expected);
        int[] expectedBits = Bits(expected);
        var y = new float[rows * m];
        kernel.Multiply(x, y);
        AssertSame(expectedBits, Bits(y), what + ": Multiply");
        Array.Clear(y);
        kernel.MultiplyColumnMajor(xt, y);
        AssertSame(expectedBits, Bits(y), what + ": MultiplyColumnMajor");
        Array.Clear(y);
        kernel.Multiply(expectedCodes, y);
        AssertSame(expectedBits, Bits(y), what + ": Multiply(codes)");
    }

    /// <summary>Random rows with exact threshold hits on the split dimensions, NaN and ±∞.</summary>
    public static float[] Inputs(int seed, LutModel model, int rows)
    {
        float[] x = RandomModels.Rows(seed, model, rows);
        var rng = new Random(seed * 7919 + 17);
        int d = model.InputDimension;
        for (int n = 0; n < rows; n++)
        {
            for (int k = 0; k < 3; k++)
            {
                int c = rng.Next(model.Codebooks), level = rng.Next(4), node = rng.Next(1 << level);
                x[n * d + model.SplitDimension(c, level)] = model.Threshold(c, level, node);
            }

            if (rng.Next(4) == 0)
            {
                float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -0f];
                x[n * d + rng.Next(d)] = specials[rng.Next(specials.Length)];
            }
        }

        return x;
    }

    public static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertSame<T>(T[] expected, T[] actual, string what)
        where T : IEquatable<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                Assert.Fail(what + ": first difference at index " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }
}
