using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

public sealed class TableQuantizerTests
{
    private static double[] Tables(params double[][] codebooks) => codebooks.SelectMany(c => c).ToArray();

    private static double[] Row(params (int Index, double Value)[] values) => Filled(0, values);

    private static double[] Filled(double fill, params (int Index, double Value)[] values)
    {
        var row = Enumerable.Repeat(fill, 16).ToArray();
        foreach (var (i, v) in values) row[i] = v;
        return row;
    }

    [Fact]
    public void StepIsTheLargestCodebookRangeOver255AndEntriesRoundHalfToEven()
    {
        // Codebook 0 spans 0..255 (step 1); codebook 1 has ties at 2.5 → 2, 3.5 → 4 and 254.5 → 254.
        var l = Tables(Row((1, 255)), Filled(10, (1, 12.5), (2, 13.5), (3, 264.5), (4, 10.4), (5, 10.6)));
        var q = TableQuantizer.Quantize(l, 1, 2, []);
        Assert.Equal(1f, q.Steps[0]);
        Assert.Equal(10f, q.Offsets[0]); // Σ lo = 0 + 10
        Assert.Equal(new byte[] { 0, 255 }, q.Tables.Take(2));
        Assert.Equal(new byte[] { 0, 2, 4, 254, 0, 1, 0 }, q.Tables.Skip(16).Take(7));
    }

    [Fact]
    public void ZeroRangeGivesStepOneAndZeroEntries()
    {
        var l = Tables(Enumerable.Repeat(3.25, 16).ToArray(), Enumerable.Repeat(-1.0, 16).ToArray());
        var q = TableQuantizer.Quantize(l, 1, 2, [0.5f]);
        Assert.Equal(1f, q.Steps[0]);
        Assert.All(q.Tables, b => Assert.Equal(0, b));
        Assert.Equal(3.25f - 1f + 0.5f, q.Offsets[0]);
    }

    [Fact]
    public void EachOutputHasItsOwnStepAndBiasIsFoldedIntoTheOffset()
    {
        // Output 0 spans 0..2.55 (step 0.01), output 1 spans −510..0 (step 2).
        var l = Tables(Row((3, 2.55)), Row((3, -510), (4, -255)));
        var q = TableQuantizer.Quantize(l, 2, 1, [1f, -1f]);
        Assert.Equal((float)(2.55 / 255), q.Steps[0]);
        Assert.Equal(2f, q.Steps[1]);
        Assert.Equal(1f, q.Offsets[0]);
        Assert.Equal(-511f, q.Offsets[1]);
        Assert.Equal(255, q.Tables[3]);
        Assert.Equal(255, q.Tables[16]);
        Assert.Equal(0, q.Tables[16 + 3]);
        Assert.Equal(128, q.Tables[16 + 4]); // 255 / 2 = 127.5 → 128 (even)
    }

    [Fact]
    public void EntriesStayWithin0To255WhenTheFloatStepRoundsDown()
    {
        // Ranges whose float32 step is below range / 255: (L − lo) / step slightly exceeds 255, clamped.
        var rng = new Random(3);
        int found = 0;
        for (int i = 0; i < 10000 && found < 20; i++)
        {
            double range = rng.NextDouble() * 1000;
            if ((double)(float)(range / 255) >= range / 255) continue;
            found++;
            var q = TableQuantizer.Quantize(Tables(Row((0, range))), 1, 1, []);
            Assert.Equal(255, q.Tables[0]);
            Assert.InRange(range / q.Steps[0], 255.0, 255.001);
        }

        Assert.Equal(20, found);
    }
}
