using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

public sealed class SubspacesTests
{
    [Fact]
    public void FirstDModCBlocksAreOneColumnLonger()
    {
        // D = 10, C = 4: 10 mod 4 = 2 blocks of 3, then 2 blocks of 2.
        var blocks = Enumerable.Range(0, 4).Select(c => Subspaces.Block(10, 4, c)).ToArray();
        Assert.Equal(new[] { (0, 3), (3, 3), (6, 2), (8, 2) }, blocks);
    }

    [Theory]
    [InlineData(27, 16)]
    [InlineData(512, 16)]
    [InlineData(64, 64)]
    [InlineData(7, 1)]
    [InlineData(100, 33)]
    public void BlocksTileTheColumnsContiguously(int d, int c)
    {
        int next = 0;
        for (int i = 0; i < c; i++)
        {
            var (start, width) = Subspaces.Block(d, c, i);
            Assert.Equal(next, start);
            Assert.Equal(d / c + (i < d % c ? 1 : 0), width);
            next = start + width;
        }

        Assert.Equal(d, next);
    }

    [Fact]
    public void MoreCodebooksThanColumnsIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Subspaces.Block(4, 5, 0));
        var options = new MaddnessTrainerOptions { Codebooks = 5 };
        var e = Assert.Throws<ArgumentException>(() =>
            MaddnessTrainer.Train(new float[8], 2, new float[4], 1, [], options));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("D = 4", e.Message);
    }

    [Fact]
    public void TrainedSplitsStayInTheirBlocks()
    {
        var rng = new Random(5);
        int rows = 300, d = 23, c = 5;
        var a = new float[rows * d];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
        var model = MaddnessTrainer.Train(a, rows, new float[d], 1, [], new MaddnessTrainerOptions { Codebooks = c });
        for (int i = 0; i < c; i++)
        {
            var (start, width) = Subspaces.Block(d, c, i);
            for (int level = 0; level < 4; level++)
            {
                Assert.InRange(model.SplitDimension(i, level), start, start + width - 1);
            }
        }
    }
}
