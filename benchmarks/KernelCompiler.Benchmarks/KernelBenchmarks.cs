using System;
using BenchmarkDotNet.Attributes;
using KernelCompiler.Blas;
using KernelCompiler.Generic;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// Every kernel and both exact baselines on the same rows, in one run: the emitted kernel (IL) and the generic
/// table-driven kernel, both with ISA Auto, each timed for encoding, the scan over codes (Multiply(codes)) and end to
/// end (Multiply); OpenBLAS cblas_sgemm single-threaded
/// (the baseline of the Ratio column) and a TensorPrimitives dense product. The source-generated kernel is the same
/// plan written as C# instead of IL, so it is represented by the emitted one (see README). Hot paths allocate nothing:
/// every buffer is made in <see cref="Setup"/>.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private LutKernel _emitted = null!;
    private LutKernel _generic = null!;
    private float[] _x = [];
    private float[] _b = [];
    private float[] _bTransposed = [];
    private byte[] _codes = [];
    private float[] _y = [];
    private int _d;
    private int _m;

    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = KernelShapes.Cifar10C16;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    [ParamsSource(nameof(Layouts))]
    public RowLayout Layout { get; set; }

    /// <summary>Every shape, or the comma-separated list in KERNELCOMPILER_BENCH_SHAPES (a shorter run).</summary>
    public static string[] Shapes { get; } = Selection("KERNELCOMPILER_BENCH_SHAPES",
    [
        KernelShapes.Cifar10C16, KernelShapes.Cifar10C32, KernelShapes.Cifar10C64,
        KernelShapes.Cifar100C16, KernelShapes.Cifar100C32, KernelShapes.Cifar100C64,
        KernelShapes.Im2colSobelC16,
    ]);

    /// <summary>N = 10,000 and 100,000, or the comma-separated list in KERNELCOMPILER_BENCH_ROWS.</summary>
    public static int[] RowCounts { get; } = Array.ConvertAll(Selection("KERNELCOMPILER_BENCH_ROWS", ["10000", "100000"]),
        text => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Both layouts, or the comma-separated list in KERNELCOMPILER_BENCH_LAYOUTS (Column, Row).</summary>
    public static RowLayout[] Layouts { get; } = Array.ConvertAll(Selection("KERNELCOMPILER_BENCH_LAYOUTS", ["Column", "Row"]),
        text => Enum.Parse<RowLayout>(text, ignoreCase: true));

    // BenchmarkDotNet passes the environment to the processes it starts, so a selection holds in every one of them.
    private static string[] Selection(string variable, string[] all)
    {
        string? chosen = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(chosen)
            ? all
            : chosen.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private bool ColumnMajor => Layout == RowLayout.Column;

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = KernelShapes.Model(Shape);
        (_d, _m, _) = KernelShapes.Dimensions(Shape);
        _emitted = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = KernelInstructionSet.Auto });
        _generic = GenericKernel.Create(model, KernelInstructionSet.Auto);
        _x = KernelShapes.Rows(Shape, Rows, Layout);
        _b = KernelShapes.Weights(Shape);
        _bTransposed = DenseProduct.Transpose(_b, _d, _m);
        _codes = new byte[Rows * model.Codebooks];
        _y = new float[Rows * _m];
        EmittedEncode();
        if (!NativeBlas.IsAvailable)
        {
            Console.WriteLine("// " + NativeBlas.UnavailableReason);
        }
    }

    [Benchmark]
    public void EmittedEncode()
    {
        if (ColumnMajor) _emitted.EncodeColumnMajor(_x, _codes);
        else _emitted.Encode(_x, _codes);
    }

    [Benchmark]
    public void EmittedScan() => _emitted.Multiply(_codes, _y);

    [Benchmark]
    public void EmittedMultiply()
    {
        if (ColumnMajor) _emitted.MultiplyColumnMajor(_x, _y);
        else _emitted.Multiply(_x, _y);
    }

    [Benchmark]
    public void GenericEncode()
    {
        if (ColumnMajor) _generic.EncodeColumnMajor(_x, _codes);
        else _generic.Encode(_x, _codes);
    }

    [Benchmark]
    public void GenericScan() => _generic.Multiply(_codes, _y);

    [Benchmark]
    public void GenericMultiply()
    {
        if (ColumnMajor) _generic.MultiplyColumnMajor(_x, _y);
        else _generic.Multiply(_x, _y);
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => NativeBlas.Multiply(_x, Rows, _d, ColumnMajor, _b, _m, _y);

    [Benchmark]
    public void TensorPrimitivesDense() => DenseProduct.Multiply(_x, Rows, _d, ColumnMajor, _b, _bTransposed, _m, _y);
}
