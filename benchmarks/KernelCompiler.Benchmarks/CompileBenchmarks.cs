using System;
using System.Linq;
using BenchmarkDotNet.Attributes;

namespace KernelCompiler.Benchmarks;

/// <summary>What building a kernel costs: <c>LutKernel.Compile</c> (Reflection.Emit), the same followed by the first
/// call (the JIT compiles the dynamic methods then), and <c>GenerateSource</c>. Compile time depends on the model's
/// shape, not its values, so the models are seeded random ones.</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private LutModel _model = null!;
    private float[] _row = [];
    private float[] _y = [];

    [Params("C16-M10", "C64-M100", "C256-M1000")]
    public string Shape { get; set; } = "C64-M100";

    [GlobalSetup]
    public void Setup()
    {
        (int c, int m) = Shape switch { "C16-M10" => (16, 10), "C64-M100" => (64, 100), _ => (256, 1000) };
        const int d = 512;
        var rng = new Random(c * 1000 + m);
        var splits = new int[c * 4];
        for (int i = 0; i < splits.Length; i++) splits[i] = rng.Next(d);
        var thresholds = new float[c * 15];
        for (int i = 0; i < thresholds.Length; i++) thresholds[i] = (float)rng.NextDouble();
        var tables = new byte[m * c * 16];
        rng.NextBytes(tables);
        _model = new LutModel(d, m, splits, thresholds, tables, Enumerable.Repeat(0.01f, m).ToArray(), new float[m]);
        _row = new float[d];
        _y = new float[m];
    }

    [Benchmark]
    public LutKernel Compile() => LutKernel.Compile(_model);

    [Benchmark]
    public LutKernel CompileAndFirstCall()
    {
        LutKernel kernel = LutKernel.Compile(_model);
        kernel.MultiplyColumnMajor(_row, _y);
        return kernel;
    }

    [Benchmark]
    public string GenerateSource() => LutKernel.GenerateSource(_model);
}
