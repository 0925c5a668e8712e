using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

public sealed class FloatRadixSortTests
{
    private static float[] Keys(int seed, int n)
    {
        var rng = new Random(seed);
        float[] special = [0f, -0f, 1f, -1f, float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 1e-40f, 255f];
        var keys = new float[n];
        for (int i = 0; i < n; i++)
        {
            keys[i] = rng.Next(4) switch
            {
                0 => special[rng.Next(special.Length)],
                1 => rng.Next(256),                                  // pixel-like: low mantissa bits all zero
                2 => (float)(rng.NextDouble() * 2e6 - 1e6),
                _ => BitConverter.Int32BitsToSingle(rng.Next() & 0x7F7FFFFF) * (rng.Next(2) == 0 ? 1 : -1),
            };
        }

        return keys;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 1000)]
    [InlineData(5, 50000)]
    public void SortsLikeAStableComparisonSort(int seed, int n)
    {
        float[] original = Keys(seed, n);
        float[] keys = (float[])original.Clone();
        int[] items = Enumerable.Range(0, n).ToArray();
        FloatRadixSort.Sort(keys, items, new uint[n], new int[n]);

        // Expected: stable by value with −0 before +0 (LINQ OrderBy is stable).
        var expected = Enumerable.Range(0, n)
            .OrderBy(i => original[i])
            .ThenBy(i => float.IsNegative(original[i]) ? 0 : 1)
            .ThenBy(i => i)
            .ToArray();
        Assert.Equal(expected, items);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(original[items[i]]), BitConverter.SingleToInt32Bits(keys[i]));
        }
    }

    [Fact]
    public void IdenticalKeysKeepTheirOrder()
    {
        float[] keys = Enumerable.Repeat(3.5f, 100).ToArray();
        int[] items = Enumerable.Range(0, 100).Reverse().ToArray();
        FloatRadixSort.Sort(keys, items, new uint[100], new int[100]);
        Assert.Equal(Enumerable.Range(0, 100).Reverse(), items);
        Assert.All(keys, k => Assert.Equal(3.5f, k));
    }
}
