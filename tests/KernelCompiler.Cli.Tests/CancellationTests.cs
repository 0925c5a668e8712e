using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

/// <summary>Ctrl+C (the command's CancellationToken) stops a running bench promptly with exit code 130.</summary>
public class CancellationTests
{
    [Fact]
    public async Task Bench_stops_within_seconds_of_cancellation_with_exit_code_130()
    {
        using var dir = new TempDirectory();
        // Large enough that a full bench takes seconds even on a quiet machine: 16 timed runs of the exact product over
        // 100,000 rows of D = 512 and M = 64 (3.3 GFLOP each, ~150 ms at the managed product's speed here), plus the
        // kernel's, after generating the rows and compiling the kernel. Cancelled 300 ms in, well before that.
        RandomModels.Create(21, 512, 64, 16).Save(dir.File("m.lut.json"));
        using var cancellation = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        var watch = new Stopwatch();
        Task<int> run = Task.Run(() => KernelcApp.Run(new[] { "bench", "-m", dir.File("m.lut.json"), "--rows", "100000", "--exact-engine", "managed" },
            output, error, cancellation.Token));

        await Task.Delay(300);
        Assert.False(run.IsCompleted, "bench finished before it could be cancelled: " + output);
        watch.Start();
        cancellation.Cancel();
        // Generous: the point is seconds, not the 39 s a bench once took to notice; one call of either engine is the
        // longest it may take (a few tenths of a second here).
        Task finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(10)));
        watch.Stop();
        Assert.True(finished == run, "bench did not stop within 10 s of cancellation");

        Assert.Equal(ExitCodes.Cancelled, await run);
        Assert.Contains("cancelled", error.ToString());
        Assert.Equal("", output.ToString());
    }
}
