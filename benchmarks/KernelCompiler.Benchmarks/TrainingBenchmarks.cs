using System;
using BenchmarkDotNet.Attributes;
using KernelCompiler.Training;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// <see cref="MaddnessTrainer.Train"/> end to end (trees, ridge refit, quantised tables) with C = 16 on the real
/// training sets: mnist-mlp512 X_train (20,000 × 512, B = W 512 × 10) and the im2col photographs X_train
/// (283,383 × 27, B = W_sobel 27 × 2).
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private float[] _a = [];
    private int _rows;
    private float[] _weights = [];
    private int _outputs;
    private float[] _bias = [];

    [Params("mnist-mlp512", "im2col-sobel")]
    public string Dataset { get; set; } = "mnist-mlp512";

    [Params(16)]
    public int Codebooks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (string folder, string weights, string? bias) = Dataset switch
        {
            "mnist-mlp512" => ("mnist-mlp512", "W.npy", "b.npy"),
            "im2col-sobel" => ("im2col-photos", "W_sobel.npy", (string?)null),
            _ => throw new ArgumentException("Unknown data set " + Dataset, nameof(Dataset)),
        };

        (_a, _rows, _) = SharedData.Matrix(folder, "X_train.npy");
        (_weights, _, _outputs) = SharedData.Matrix(folder, weights);
        _bias = bias is null ? [] : SharedData.Matrix(folder, bias).Values;
    }

    [Benchmark]
    public LutModel Train()
        => MaddnessTrainer.Train(_a, _rows, _weights, _outputs, _bias, new MaddnessTrainerOptions { Codebooks = Codebooks });
}
