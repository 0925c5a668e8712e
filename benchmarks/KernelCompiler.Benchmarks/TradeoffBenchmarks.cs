using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using KernelCompiler.Kernels;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using KernelCompiler.Blas;
using KernelCompiler.Generic;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// Speed against accuracy, the way the paper plots its trade-off: for each real data set (<see cref="TradeoffData"/>)
/// and C = 4, 8, 16, 32, 64 codebooks (C ≤ D, so the photographs, D = 27, stop at 16), the end-to-end column-major
/// Multiply of the model compiled by <see cref="LutKernel.Compile(LutModel, LutKernelOptions?)"/> (emitted) and of
/// <see cref="GenericKernel"/>, and the exact product of the same rows (OpenBLAS sgemm, the baseline, and the
/// TensorPrimitives dense product). Rows: the first <see cref="Rows"/> held-out test rows. The accuracy of the same
/// models is computed by benchmarks/KernelCompiler.Plots, which draws the plot from this class's exported results.
/// </summary>
[Config(typeof(ValidCodebooksConfig))]
public class TradeoffBenchmarks
{
    private DatasetKernels _k = null!;

    [Params(TradeoffData.Mnist, TradeoffData.PhotosSobel, TradeoffData.PhotosGauss)]
    public string Dataset { get; set; } = TradeoffData.Mnist;

    [Params(4, 8, 16, 32, 64)]
    public int Codebooks { get; set; } = 16;

    [Params(10_000)]
    public int Rows { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup() => _k = new DatasetKernels(Dataset, Codebooks, LutAggregation.Exact, Rows);

    [Benchmark]
    public void EmittedMultiply() => _k.Emitted.MultiplyColumnMajor(_k.X, _k.Y);

    [Benchmark]
    public void GenericMultiply() => _k.Generic.MultiplyColumnMajor(_k.X, _k.Y);

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => NativeBlas.Multiply(_k.X, Rows, _k.D, true, _k.W, _k.M, _k.Y);

    [Benchmark]
    public void TensorPrimitivesDense() => DenseProduct.Multiply(_k.X, Rows, _k.D, true, _k.W, _k.WTransposed, _k.M, _k.Y);
}

/// <summary>
/// Average against exact aggregation (docs/algorithm.md §2) on the same data and C: C = 16 and 32 on MNIST, C = 16 on the
/// photographs (D = 27 leaves no room for 32), each model trained with <c>MaddnessTrainerOptions.Aggregation</c>
/// Exact and Average; the scan alone (Multiply over codes) and end to end (column-major Multiply) for the emitted and
/// the generic kernel. The accuracy of each model is computed by benchmarks/KernelCompiler.Plots.
/// </summary>
[Config(typeof(ValidCodebooksConfig))]
public class AggregationBenchmarks
{
    private DatasetKernels _k = null!;

    [Params(TradeoffData.Mnist, TradeoffData.PhotosSobel, TradeoffData.PhotosGauss)]
    public string Dataset { get; set; } = TradeoffData.Mnist;

    [Params(16, 32)]
    public int Codebooks { get; set; } = 16;

    [Params(LutAggregation.Exact, LutAggregation.Average)]
    public LutAggregation Aggregation { get; set; }

    [Params(10_000)]
    public int Rows { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup() => _k = new DatasetKernels(Dataset, Codebooks, Aggregation, Rows);

    [Benchmark]
    public void EmittedScan() => _k.Emitted.Multiply(_k.Codes, _k.Y);

    [Benchmark]
    public void EmittedMultiply() => _k.Emitted.MultiplyColumnMajor(_k.X, _k.Y);

    [Benchmark]
    public void GenericScan() => _k.Generic.Multiply(_k.Codes, _k.Y);

    [Benchmark]
    public void GenericMultiply() => _k.Generic.MultiplyColumnMajor(_k.X, _k.Y);

    // The source-generated kernels of the same MNIST C = 16 trees and tables (kernels/models/mnist-c16.lut.json and
    // mnist-c16-average.lut.json differ from this class's cached models only in their names); MNIST C = 16 only.
    [Benchmark]
    public void GeneratedScan()
    {
        if (Aggregation == LutAggregation.Average) MnistC16AverageKernel.Multiply(_k.Codes, _k.Y);
        else MnistC16Kernel.Multiply(_k.Codes, _k.Y);
    }

    [Benchmark]
    public void GeneratedMultiply()
    {
        if (Aggregation == LutAggregation.Average) MnistC16AverageKernel.MultiplyColumnMajor(_k.X, _k.Y);
        else MnistC16Kernel.MultiplyColumnMajor(_k.X, _k.Y);
    }
}

/// <summary>
/// The kernels and buffers of one case: the cached model, its emitted and generic kernels (ISA Auto), the first
/// <c>rows</c> test rows column-major, their codes, B and Bᵀ, and the N × M output. Made once in GlobalSetup.
/// </summary>
internal sealed class DatasetKernels
{
    public DatasetKernels(string dataset, int codebooks, LutAggregation aggregation, int rows)
    {
        TradeoffDataset data = TradeoffData.TestSet(dataset);
        LutModel model = TradeoffData.Model(dataset, codebooks, aggregation);
        D = data.D;
        M = data.M;
        Emitted = LutKernel.Compile(model);
        Generic = GenericKernel.Create(model);
        X = data.FirstRows(rows, RowLayout.Column);
        W = data.W;
        WTransposed = DenseProduct.Transpose(W, D, M);
        Codes = new byte[rows * codebooks];
        Y = new float[rows * M];
        Emitted.EncodeColumnMajor(X, Codes);
    }

    public LutKernel Emitted { get; }

    public LutKernel Generic { get; }

    public float[] X { get; }

    public float[] W { get; }

    public float[] WTransposed { get; }

    public byte[] Codes { get; }

    public float[] Y { get; }

    public int D { get; }

    public int M { get; }
}

/// <summary>Leaves out the cases whose C exceeds the data set's D (the trainer refuses them: every codebook needs a
/// column of its own), and the generated kernels' cases other than MNIST C = 16 (the only shipped pair).</summary>
public sealed class ValidCodebooksConfig : ManualConfig
{
    // Min and Median beside the Mean: on a shared machine the fastest iterations are the ones least disturbed.
    public ValidCodebooksConfig()
    {
        AddFilter(new SimpleFilter(IsValid));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }

    private static bool IsValid(BenchmarkCase benchmarkCase)
    {
        object? dataset = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Dataset")?.Value;
        object? codebooks = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Codebooks")?.Value;
        if (benchmarkCase.Descriptor.WorkloadMethod.Name.StartsWith("Generated", StringComparison.Ordinal) &&
            !(dataset is TradeoffData.Mnist && codebooks is 16))
        {
            return false;
        }

        return dataset is not string name || codebooks is not int c || c <= TradeoffData.InputDimension(name);
    }
}
