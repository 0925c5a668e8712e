using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

public sealed class BucketSplitterTests
{
    // A bucket of n rows: candidate keys with many duplicates and a residual block of `width` columns (3 rows more
    // than the bucket, so an indexing slip shows). Keys come back sorted with the rows in the same order.
    private static (float[] Keys, int[] Rows, double[] Residual) Bucket(int seed, int n, int width, int distinct)
    {
        var rng = new Random(seed);
        var residual = new double[(n + 3) * width];
        for (int i = 0; i < residual.Length; i++) residual[i] = (float)(rng.NextDouble() * 4 - 2);
        var keys = new float[n];
        var rows = new int[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = rng.Next(distinct) * 0.25f - 1;
            rows[i] = i + 3; // not 0..n-1, so an indexing slip shows
        }

        Array.Sort(keys, rows);
        return (keys, rows, residual);
    }

    private static double Sse(IEnumerable<int> rows, double[] residual, int width)
    {
        var list = rows.ToList();
        double total = 0;
        for (int j = 0; j < width; j++)
        {
            double mean = list.Sum(r => residual[r * width + j]) / list.Count;
            total += list.Sum(r => Math.Pow(residual[r * width + j] - mean, 2));
        }

        return total;
    }

    [Theory]
    [InlineData(1, 2, 2, 5)]
    [InlineData(2, 7, 3, 5)]
    [InlineData(3, 40, 5, 5)]
    [InlineData(4, 100, 40, 5)]
    [InlineData(5, 33, 1000, 5)]
    [InlineData(6, 50, 10, 1)]
    [InlineData(7, 64, 20, 32)]
    [InlineData(8, 30, 6, 11)]
    public void BestCutMatchesBruteForceSse(int seed, int n, int distinct, int width)
    {
        var (keys, rows, residual) = Bucket(seed, n, width, distinct);
        var split = BucketSplitter.BestCut(keys, rows, residual, width, new double[2 * width]);

        double best = double.PositiveInfinity;
        int bestLeft = -1;
        for (int left = 1; left < n; left++)
        {
            if (keys[left - 1] == keys[left]) continue; // not a cut: equal values cannot be separated
            double loss = Sse(rows.Take(left), residual, width) + Sse(rows.Skip(left), residual, width);
            if (loss < best - 1e-9) { best = loss; bestLeft = left; }
        }

        if (bestLeft < 0)
        {
            Assert.False(split.Splits);
            return;
        }

        Assert.True(split.Splits);
        Assert.Equal(best, split.Loss, 1e-9 * Math.Max(1, best));
        Assert.Equal(bestLeft, split.LeftCount);
        Assert.True(keys[split.LeftCount - 1] < keys[split.LeftCount]);
    }

    [Fact]
    public void ThresholdSendsExactlyTheScoredRowsRight()
    {
        // Adjacent floats: their midpoint rounds to one of them; x ≥ t must still separate them.
        foreach (float below in new[] { 1f, 0f, -1f, 3.5f, 1e-30f, -1e30f, 16777216f, float.MaxValue / 2, -float.Epsilon })
        {
            float above = MathF.BitIncrement(below);
            float t = BucketSplitter.Threshold(below, above);
            Assert.True(below < t && t <= above, $"{below} {above} -> {t}");
            Assert.False(below >= t);
            Assert.True(above >= t);
        }

        // Through BestCut: keys 1, 1, next(1), next(1) with residuals that make the only cut the best one.
        float one = 1f, next = MathF.BitIncrement(1f);
        float[] keys = [one, one, next, next];
        int[] rows = [0, 1, 2, 3];
        double[] residual = [-5, -5, 5, 5];
        var split = BucketSplitter.BestCut(keys, rows, residual, 1, new double[2]);
        Assert.True(split.Splits);
        Assert.Equal(2, split.LeftCount);
        Assert.Equal(2, keys.Count(k => k >= split.Threshold));
        Assert.Equal(0, split.Loss, 12);
    }

    [Fact]
    public void ThresholdIsTheMidpointWhenRepresentable()
    {
        Assert.Equal(1.5f, BucketSplitter.Threshold(1f, 2f));
        Assert.Equal(-0.5f, BucketSplitter.Threshold(-1f, 0f));
    }

    [Fact]
    public void TinyOrConstantBucketsAreNotSplit()
    {
        double[] residual = [1, 2, 3, 4];
        foreach (var (keys, rows) in new[] { (new float[0], new int[0]), ([7f], [2]), ([3f, 3f, 3f], [0, 1, 3]) })
        {
            var split = BucketSplitter.BestCut(keys, rows, residual, 1, new double[2]);
            Assert.False(split.Splits);
            Assert.Equal(float.MaxValue, split.Threshold);
            Assert.Equal(keys.Length, split.LeftCount);
        }
    }

    [Fact]
    public void TrainingOnFewRowsLeavesEmptyBucketsUnsplit()
    {
        // 3 rows: level 2 has at most 3 non-empty buckets, level 3 buckets of < 2 rows: float.MaxValue thresholds.
        float[] a = [0, 1, 2, 10, 11, 12, 20, 21, 22];
        var model = MaddnessTrainer.Train(a, 3, new float[3], 1, [], new MaddnessTrainerOptions { Codebooks = 1 });
        Assert.NotEqual(float.MaxValue, model.Threshold(0, 0, 0));
        int unsplit = 0;
        for (int node = 0; node < 8; node++)
        {
            if (model.Threshold(0, 3, node) == float.MaxValue) unsplit++;
        }

        Assert.Equal(8, unsplit);
        var codes = new byte[3];
        LutKernel.CreateReference(model).Encode(a, codes);
        Assert.Equal(3, codes.Distinct().Count());
    }

    [Fact]
    public void TrainingSeparatesAdjacentFloats()
    {
        // One column holding 1 and the next float up: their midpoint rounds to 1 (ties to even), so the threshold must
        // be the upper value, and the reference encoder must put the two values in different halves of the tree.
        float low = 1f, high = MathF.BitIncrement(1f);
        var a = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? low : high).ToArray();
        var model = MaddnessTrainer.Train(a, a.Length, [1f], 1, [], new MaddnessTrainerOptions { Codebooks = 1 });
        Assert.Equal(high, model.Threshold(0, 0, 0));
        var codes = new byte[a.Length];
        LutKernel.CreateReference(model).Encode(a, codes);
        for (int n = 0; n < a.Length; n++)
        {
            Assert.Equal(a[n] == high, codes[n] >= 8);
        }
    }
}
