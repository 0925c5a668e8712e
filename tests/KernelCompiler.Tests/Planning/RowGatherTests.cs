using KernelCompiler.Runtime;
using KernelCompiler.Planning;
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

    /// <summary>With a phase p (rows starting p floats after a 64-byte line) every window is whole lines of the row's
    /// span from the line before it: it starts at a multiple of 16 from that line, reads nothing outside the
    /// D + 16 floats from it (p before the row, 16 − p after), and each slot still takes its own float, at d + p.</summary>
    [Fact]
    public void PhasedWindowsAreWholeLinesAroundTheRow()
    {
        Assert.Empty(RowPhases.All(40));
        Assert.Empty(RowPhases.All(8));
        Assert.Equal(new[] { 2, 4, 6, 8, 10, 12, 14 }, RowPhases.All(512));
        var rng = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int d = 16 * rng.Next(1, 64);
            int count = rng.Next(1, Math.Min(d, 512) + 1);
            int[] slots = Enumerable.Range(0, d).OrderBy(_ => rng.Next()).Take(count).Order().ToArray();
            if (trial % 3 == 0) slots[0] = 0;
            if (trial % 4 == 0) slots[^1] = d - 1;
            slots = slots.Distinct().Order().ToArray();
            foreach (int phase in RowPhases.All(d))
            {
                RowGather gather = RowGather.Create(d, slots, phase);
                string where = "D=" + d + ", phase=" + phase + ", slots=" + string.Join(",", slots);
                Assert.Equal(phase, gather.Phase);
                for (int k = 0; k < gather.SlotVectors; k++)
                {
                    var covered = new int[16];
                    foreach (RowWindow window in gather.Windows[k])
                    {
                        int width = window.TwoBlocks ? 32 : 16;
                        Assert.True(window.Start % 16 == 0, "window off a line: " + where);
                        Assert.True(window.Start >= 0 && window.Start + width <= d + 16, "window outside the lines of the row: " + where);
                        for (int lane = 0; lane < 16; lane++)
                        {
                            if (!window.Lanes[lane]) continue;
                            covered[lane]++;
                            Assert.Equal(slots[k * 16 + lane] + phase, window.Start + window.Index[lane]);
                        }
                    }

                    for (int lane = 0; lane < 16; lane++) Assert.Equal(k * 16 + lane < slots.Length ? 1 : 0, covered[lane]);
                }
            }
        }
    }
}
