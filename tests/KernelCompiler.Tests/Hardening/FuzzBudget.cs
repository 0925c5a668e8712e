using CsCheck;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>
/// How long the fuzzers run. CI: a short pass from a fixed seed (the same inputs every run). Locally, set
/// KERNELC_FUZZ_SECONDS=300 to run each fuzzer for five minutes from random seeds on every core, or
/// KERNELC_FUZZ_ITERATIONS=N for N iterations from the fixed seed. A failure prints the input and CsCheck's seed.
/// </summary>
public static class FuzzBudget
{
    // A CsCheck seed string (its own format); fixed so the CI pass is reproducible.
    public const string FixedSeed = "0000000000000";

    public static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("KERNELC_FUZZ_SECONDS"), out int s) && s > 0 ? s : 0;

    public static long Iterations(long ci)
        => long.TryParse(Environment.GetEnvironmentVariable("KERNELC_FUZZ_ITERATIONS"), out long n) && n > 0 ? n : ci;

    public static void Run<T>(Gen<T> gen, Action<T> assert, long ciIterations, ITestOutputHelper output, Func<T, string>? print = null)
    {
        if (Seconds > 0)
        {
            gen.Sample(assert, writeLine: output.WriteLine, time: Seconds, print: print);
        }
        else
        {
            gen.Sample(assert, writeLine: output.WriteLine, seed: FixedSeed, iter: Iterations(ciIterations), threads: 1, print: print);
        }
    }
}
