using BenchmarkDotNet.Running;

namespace KernelCompiler.Benchmarks;

/// <summary>Runs the benchmark classes of this assembly chosen on the command line (see benchmarks/README.md).</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
