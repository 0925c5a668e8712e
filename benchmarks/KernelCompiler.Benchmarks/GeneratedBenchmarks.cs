using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using KernelCompiler.Blas;
using KernelCompiler.Kernels;
using KernelCompiler.Generic;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// A source-generated kernel next to the emitted and generic kernels of the same model, on the same real rows: the
/// shipped MNIST models (kernels/models/mnist-c16.lut.json and mnist-c32.lut.json: D = 512, M = 10, C = 16 or 32, the
/// CIFAR-10-like shape) through <see cref="MnistC16Kernel"/> and <see cref="MnistC32Kernel"/> ([LutKernel], compiled
/// with this assembly; called through <see cref="ShippedKernels.Find"/>, one delegate call per Multiply), on
/// mnist-mlp512 X_test (10,000 rows), with OpenBLAS on B = W as the baseline.
/// </summary>
[MemoryDiagnoser]
public class GeneratedBenchmarks
{
    private LutKernel _generated = null!;
    private LutKernel _emitted = null!;
    private LutKernel _generic = null!;
    private float[] _x = [];
    private float[] _w = [];
    private byte[] _codes = [];
    private float[] _y = [];
    private int _d;
    private int _m;

    [Params(10_000)]
    public int Rows { get; set; } = 10_000;

    [Params("mnist-c16", "mnist-c32")]
    public string Model { get; set; } = "mnist-c16";

    [ParamsSource(nameof(Layouts))]
    public RowLayout Layout { get; set; }

    /// <summary>Both layouts, or those in KERNELCOMPILER_BENCH_LAYOUTS (as for <see cref="KernelBenchmarks"/>).</summary>
    public static RowLayout[] Layouts => KernelBenchmarks.Layouts;

    private bool ColumnMajor => Layout == RowLayout.Column;

    [GlobalSetup]
    public void Setup()
    {
        LutModel model = LutModel.Load(FindModel(Model + ".lut.json"));
        _generated = ShippedKernels.Find(model) ?? throw new InvalidOperationException("No generated kernel for " + Model);
        _d = model.InputDimension;
        _m = model.OutputDimension;
        _emitted = LutKernel.Compile(model);
        _generic = GenericKernel.Create(model);
        (float[] all, int available, _) = SharedData.Matrix("mnist-mlp512", "X_test.npy");
        if (available < Rows) throw new InvalidOperationException("mnist X_test has only " + available + " rows");
        float[] x = all.AsSpan(0, Rows * _d).ToArray();
        _x = ColumnMajor ? Transpose(x, Rows, _d) : x;
        _w = SharedData.Matrix("mnist-mlp512", "W.npy").Values;
        _codes = new byte[Rows * model.Codebooks];
        _y = new float[Rows * _m];
        GeneratedEncode();
    }

    [Benchmark]
    public void GeneratedEncode()
    {
        if (ColumnMajor) _generated.EncodeColumnMajor(_x, _codes);
        else _generated.Encode(_x, _codes);
    }

    [Benchmark]
    public void GeneratedScan() => _generated.Multiply(_codes, _y);

    [Benchmark]
    public void GeneratedMultiply()
    {
        if (ColumnMajor) _generated.MultiplyColumnMajor(_x, _y);
        else _generated.Multiply(_x, _y);
    }

    [Benchmark]
    public void EmittedEncode()
    {
        if (ColumnMajor) _emitted.EncodeColumnMajor(_x, _codes);
        else _emitted.Encode(_x, _codes);
    }

    [Benchmark]
    public void EmittedMultiply()
    {
        if (ColumnMajor) _emitted.MultiplyColumnMajor(_x, _y);
        else _emitted.Multiply(_x, _y);
    }

    [Benchmark]
    public void GenericMultiply()
    {
        if (ColumnMajor) _generic.MultiplyColumnMajor(_x, _y);
        else _generic.Multiply(_x, _y);
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => NativeBlas.Multiply(_x, Rows, _d, ColumnMajor, _w, _m, _y);

    // kernels/models beside the benchmarks, found by walking up (BenchmarkDotNet runs a copy several levels down).
    private static string FindModel(string file)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "kernels", "models", file);
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException("kernels/models/" + file + " was not found above " + AppContext.BaseDirectory);
    }

    private static float[] Transpose(float[] x, int rows, int columns)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                t[c * rows + r] = x[r * columns + c];
        return t;
    }
}
