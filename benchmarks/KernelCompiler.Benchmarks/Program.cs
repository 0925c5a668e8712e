using System;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using KernelCompiler.Blas;

namespace KernelCompiler.Benchmarks;

/// <summary>Runs the benchmark classes of this assembly chosen on the command line (see benchmarks/README.md).</summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "network-profile")
        {
            NetworkProfile.Run(args[1], args.Length > 2 ? int.Parse(args[2]) : 10_000, args.Length > 3 && args[3] == "emitted");
            return;
        }

        IConfig config = DefaultConfig.Instance
            .AddColumn(PerRowColumn.NanosecondsPerRow, PerRowColumn.SpeedupOverBaseline);
        if (NativeBlas.IsAvailable)
        {
            Console.WriteLine("// Exact baseline: " + NativeBlas.Engine);
        }
        else
        {
            // Without the library the OpenBLAS benchmarks are left out (not failed), and the run says why.
            Console.WriteLine("// " + NativeBlas.UnavailableReason + "; the OpenBlasSgemm benchmarks are left out of this run.");
            config = config.AddFilter(new SimpleFilter(c => c.Descriptor.WorkloadMethod.Name != nameof(KernelBenchmarks.OpenBlasSgemm)));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
