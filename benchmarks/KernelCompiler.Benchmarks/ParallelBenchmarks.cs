using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using KernelCompiler.Blas;
using KernelCompiler.Generic;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// The partitioned overloads (<c>Multiply(x, destination, ParallelOptions)</c>) on N = 100,000 rows of the CIFAR-10
/// shape, on 1 and 2 workers, beside single-threaded OpenBLAS: the scaling the issue asks for (≥ 1.8× on 2 cores)
/// is the ratio of the Threads = 1 and Threads = 2 rows of one method.
/// </summary>
[MemoryDiagnoser]
public class ParallelBenchmarks
{
    private LutKernel _emitted = null!;
    private LutKernel _generic = null!;
    private ParallelOptions _options = null!;
    private float[] _x = [];
    private float[] _b = [];
    private float[] _y = [];
    private int _d;
    private int _m;

    [Params(KernelShapes.Cifar10C16, KernelShapes.Cifar100C16)]
    public string Shape { get; set; } = KernelShapes.Cifar10C16;

    [Params(100_000)]
    public int Rows { get; set; }

    [Params(RowLayout.Column, RowLayout.Row)]
    public RowLayout Layout { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    private bool ColumnMajor => Layout == RowLayout.Column;

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = KernelShapes.Model(Shape);
        (_d, _m, _) = KernelShapes.Dimensions(Shape);
        _emitted = LutKernel.Compile(model);
        _generic = GenericKernel.Create(model);
        _options = new ParallelOptions { MaxDegreeOfParallelism = Threads };
        _x = KernelShapes.Rows(Shape, Rows, Layout);
        _b = KernelShapes.Weights(Shape);
        _y = new float[Rows * _m];
    }

    [Benchmark]
    public void EmittedMultiply()
    {
        if (ColumnMajor) _emitted.MultiplyColumnMajor(_x, _y, _options);
        else _emitted.Multiply(_x, _y, _options);
    }

    [Benchmark]
    public void GenericMultiply()
    {
        if (ColumnMajor) _generic.MultiplyColumnMajor(_x, _y, _options);
        else _generic.Multiply(_x, _y, _options);
    }

    /// <summary>Single-threaded whatever <see cref="Threads"/> says: the fixed yardstick of the x Baseline column.</summary>
    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => NativeBlas.Multiply(_x, Rows, _d, ColumnMajor, _b, _m, _y);
}
