namespace KernelCompiler.Tests.Planning;

/// <summary>The row-major gather plan (RowGather): every slot lands in its lane exactly once, from the right float,
/// and no window reaches outside its row.</summary>
public class RowGatherTests
{
    [Fact]
    public void EverySlotComesFromItsDimensionAndEveryWindowStaysInTheRow()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 400; trial++)
        {
            int d = trial < 40 ? 16 + trial : rng.Next(16, 2000);
            int count = rng.Next(1, Math.Min(d, 512) + 1);
            int[] slots = Enumerable.Range(0, d).OrderBy(_ => rng.Next()).Take(count).Order().ToArray();
            if (trial % 3 == 0) slots[^1] = d - 1; // often the row's last float
            slots = slots.Distinct().Order().ToArray();
            RowGather gather = RowGather.Create(d, slots);
            string where = "D=" + d + ", slots=" + string.Join(",", slots);
            Assert.Equal((slots.Length + 15) / 16, gather.SlotVectors);
            for (int k = 0; k < gather.SlotVectors; k++)
            {
                var covered = new int[16];
                RowWindow[] windows = gather.Windows[k];
                Assert.NotEmpty(windows);
                foreach (RowWindow window in windows)
                {
                    int width = window.TwoBlocks ? 32 : 16;
                    Assert.True(window.Start >= 0 && window.Start + width <= d, "window outside the row: " + where);
                    for (int lane = 0; lane < 16; lane++)
                    {
                        if (!window.Lanes[lane]) continue;
                        covered[lane]++;
                        Assert.True(window.Index[lane] >= 0 && window.Index[lane] < width, where);
                        Assert.Equal(slots[k * 16 + lane], window.Start + window.Index[lane]);
                    }
                }

                for (int lane = 0; lane < 16; lane++)
                {
                    Assert.Equal(k * 16 + lane < slots.Length ? 1 : 0, covered[lane]);
                }

                // The first window writes every lane; a plain load only where its floats are in lane order.
                if (windows[0].IsPlainLoad(windows.Length == 1))
                {
                    for (int lane = 0; lane < 16; lane++)
                    {
                        if (windows[0].Lanes[lane]) Assert.Equal(lane, windows[0].Index[lane]);
                    }
                }
            }

            Assert.All(slots, (s, i) => Assert.Equal(i, gather.SlotOf(s)));
            Assert.All(gather.PrefetchOffsets, o => Assert.InRange(o - RowGather.PrefetchRows * d, 0, d - 1));
        }

        Assert.False(RowGather.Applies(15));
        Assert.Throws<ArgumentOutOfRangeException>(() => RowGather.Create(15, [0, 3]));
    }
}
