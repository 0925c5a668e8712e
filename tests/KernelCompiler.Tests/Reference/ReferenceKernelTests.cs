namespace KernelCompiler.Tests.Reference;

/// <summary>Pins the reference kernel to docs/algorithm.md §1–2, written again here as directly as the text reads.</summary>
public class ReferenceKernelTests
{
    private static LutModel OneCodebook(float[] thresholds, int[] dims, int d = 4)
    {
        var tables = new byte[16];
        for (int k = 0; k < 16; k++) tables[k] = (byte)(k * 10);
        return new LutModel(d, 1, dims, thresholds, tables, [1f], [0f]);
    }

    private static float[] Ladder() => Enumerable.Range(0, 15).Select(i => (float)i).ToArray();

    [Fact]
    public void TieAtThresholdGoesRight()
    {
        // Every threshold 0: a row of zeros sits exactly on each, goes right four times: code 15.
        var model = OneCodebook(new float[15], [0, 1, 2, 3]);
        var codes = new byte[1];
        LutKernel.CreateReference(model).Encode([0f, 0f, 0f, 0f], codes);
        Assert.Equal(15, codes[0]);
    }

    [Fact]
    public void NaNGoesLeftAtEveryLevel()
    {
        var model = OneCodebook(new float[15], [0, 1, 2, 3]);
        var codes = new byte[2];
        LutKernel.CreateReference(model).Encode([float.NaN, float.NaN, float.NaN, float.NaN, 1f, float.NaN, 1f, float.NaN], codes);
        Assert.Equal(0, codes[0]);
        Assert.Equal(0b1010, codes[1]);
    }

    [Fact]
    public void NodeIndexIsTheBinaryNumberOfDecisions()
    {
        // Thresholds differ per node, so using the wrong node's threshold changes the code.
        float[] t = Ladder(); // level0: 0; level1: 1,2; level2: 3..6; level3: 7..14
        var model = OneCodebook(t, [0, 1, 2, 3]);
        var kernel = LutKernel.CreateReference(model);
        var codes = new byte[1];
        // 0 >= 0 right(1); level1 node1 threshold 2: 1.5 < 2 left -> node 2; level2 node2 threshold 5: 5 >= 5 right -> 5;
        // level3 node5 threshold 12: 11.9 < 12 left -> 10.
        kernel.Encode([0f, 1.5f, 5f, 11.9f], codes);
        Assert.Equal(10, codes[0]);
    }

    [Fact]
    public void InfinitiesFollowTheComparison()
    {
        var model = OneCodebook(new float[15], [0, 1, 2, 3]);
        var codes = new byte[1];
        LutKernel.CreateReference(model).Encode([float.PositiveInfinity, float.NegativeInfinity, float.PositiveInfinity, float.NegativeInfinity], codes);
        Assert.Equal(0b1010, codes[0]);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 3, 3)]
    [InlineData(27, 2, 16)]
    [InlineData(10, 5, 4)]
    public void MatchesTheFormulasOnRandomModels(int d, int m, int c)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var model = RandomModels.Create(seed, d, m, c);
            int rows = 1 + seed % 9;
            float[] x = RandomModels.Rows(seed, model, rows);
            var kernel = LutKernel.CreateReference(model);
            var codes = new byte[rows * c];
            var sums = new int[rows * m];
            var y = new float[rows * m];
            kernel.Encode(x, codes);
            kernel.Aggregate(codes, sums);
            kernel.Multiply(x, y);
            for (int n = 0; n < rows; n++)
            {
                for (int i = 0; i < c; i++)
                {
                    int node = 0;
                    for (int s = 0; s < 4; s++)
                    {
                        float t = model.Thresholds[i * 15 + (1 << s) - 1 + node];
                        node = 2 * node + (x[n * d + model.SplitDimensions[i * 4 + s]] >= t ? 1 : 0);
                    }

                    Assert.Equal(node, codes[n * c + i]);
                }

                for (int o = 0; o < m; o++)
                {
                    int s = 0;
                    for (int i = 0; i < c; i++) s += model.Tables[(o * c + i) * 16 + codes[n * c + i]];
                    Assert.Equal(s, sums[n * m + o]);
                    Assert.Equal(MathF.FusedMultiplyAdd(s, model.Steps[o], model.Offsets[o]), y[n * m + o]);
                }
            }
        }
    }

    [Fact]
    public void ColumnMajorEqualsRowMajor()
    {
        var model = RandomModels.Create(3, 13, 4, 5);
        float[] x = RandomModels.Rows(4, model, 37);
        var kernel = LutKernel.CreateReference(model);
        var a = new float[37 * 4];
        var b = new float[37 * 4];
        kernel.Multiply(x, a);
        kernel.MultiplyColumnMajor(RandomModels.Transpose(x, 37, 13), b);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void AverageAggregationIsTheBalancedTreeOfRoundingAverages(int c)
    {
        var model = RandomModels.Create(c, 9, 3, c, LutAggregation.Average);
        var rng = new Random(c);
        var codes = new byte[5 * c];
        for (int i = 0; i < codes.Length; i++) codes[i] = (byte)rng.Next(16);
        var sums = new int[5 * 3];
        LutKernel.CreateReference(model).Aggregate(codes, sums);
        int g = Math.Min(16, c);
        int log2g = (int)Math.Round(Math.Log2(g));
        for (int n = 0; n < 5; n++)
        {
            for (int o = 0; o < 3; o++)
            {
                int u = 0;
                for (int start = 0; start < c; start += g)
                {
                    u += Avg(Enumerable.Range(start, g).Select(i => (int)model.Tables[(o * c + i) * 16 + codes[n * c + i]]).ToArray());
                }

                Assert.Equal(g * u - c * log2g / 4, sums[n * 3 + o]);
            }
        }

        static int Avg(int[] v) => v.Length == 1 ? v[0] : (Avg(v[..(v.Length / 2)]) + Avg(v[(v.Length / 2)..]) + 1) >> 1;
    }

    [Fact]
    public void ArgumentsAreCheckedLikeTensorPrimitives()
    {
        var kernel = LutKernel.CreateReference(RandomModels.Create(1, 6, 2, 3));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Encode(new float[7], new byte[3])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Encode(new float[12], new byte[5])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[6], new float[1])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Multiply(new byte[] { 1, 2, 16 }, new float[2])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Aggregate(new byte[4], new int[4])).ParamName);
        kernel.Multiply(ReadOnlySpan<float>.Empty, Span<float>.Empty);
    }
}
