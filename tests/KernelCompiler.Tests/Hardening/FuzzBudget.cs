using CsCheck;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>
/// How long the fuzzers run. CI: a short pass over fixed seeds (the same inputs every run). Locally, set
/// KERNELC_FUZZ_SECONDS=300 to run each fuzzer for five minutes from random seeds on every core, or
/// KERNELC_FUZZ_ITERATIONS=N for N iterations over the fixed seeds. A failure prints the input and CsCheck's seed.
/// </summary>
public static class FuzzBudget
{
    // The PCG stream of the fixed seeds; iteration i of a CI pass runs seed (FixedStream, i).
    public const uint FixedStream = 0x6b63;

    public static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("KERNELC_FUZZ_SECONDS"), out int s) && s > 0 ? s : 0;

    public static long Iterations(long ci)
        => long.TryParse(Environment.GetEnvironmentVariable("KERNELC_FUZZ_ITERATIONS"), out long n) && n > 0 ? n : ci;

    public static void Run<T>(Gen<T> gen, Action<T> assert, long ciIterations, ITestOutputHelper output, Func<T, string>? print = null)
    {
        if (Seconds > 0)
        {
            gen.Sample(assert, writeLine: output.WriteLine, time: Seconds, print: print);
            return;
        }

        // CsCheck's seed argument pins only the first iteration of a Sample and draws the rest at random, so one
        // Sample(seed, iter: N) would check different inputs on every run. One single-iteration Sample per fixed seed
        // does not. (A failure is reported with its seed, not shrunk; a KERNELC_FUZZ_SECONDS run shrinks.)
        long iterations = Iterations(ciIterations);
        for (long i = 0; i < iterations; i++)
        {
            gen.Sample(assert, writeLine: null, seed: new PCG(FixedStream, (ulong)i).ToString(), iter: 1, threads: 1, print: print);
        }

        output.WriteLine("Passed " + iterations + " iterations over the fixed seeds (PCG stream " + FixedStream + ", seeds 0 to " + (iterations - 1) + ").");
    }
}
