using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using KernelCompiler.Calibration;
using KernelCompiler.IO;
using Microsoft.ML.OnnxRuntime;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// The whole shared MNIST network (shared/data/mnist-mlp-net, [784, 512, 512, 10] with ReLU) end to end on the same
/// <see cref="Rows"/> test rows, row-major, one thread, in one run: the fused network kernel, table-driven
/// (<see cref="NetworkKernel.CreateFused"/>) and with its encode emitted as IL (<see cref="NetworkKernel.Compile"/>), the same LUT layers one by one (<see cref="NetworkKernel.CompileLayers"/>),
/// the project's exact float executor (<see cref="NetworkExecutor.CreateExact"/>) and ONNX Runtime on the source
/// model (one intra-op thread, the baseline). The LUT network is calibrated with <see cref="Codebooks"/> per layer
/// (as <c>kernelc import --codebooks</c>) on the 10,000 calibration rows, once, and cached in the temporary folder,
/// since every benchmark runs in a process of its own; <c>KERNELCOMPILER_NETWORK</c> names a network file to use
/// instead.
/// </summary>
[Config(typeof(NetworkBenchmarkConfig))]
public class NetworkBenchmarks
{
    private const string Folder = "mnist-mlp-net";

    private LutNetworkKernel _fused = null!;
    private LutNetworkKernel _emitted = null!;
    private NetworkExecutor _layered = null!;
    private NetworkExecutor _exact = null!;
    private InferenceSession _onnx = null!;
    private SessionOptions _onnxOptions = null!;
    private OrtValue _onnxInput = null!;
    private OrtValue _onnxOutput = null!;
    private RunOptions _run = null!;
    private float[] _x = null!;
    private float[] _y = null!;
    private int[] _classes = null!;

    [Params("256,256,64", "256,128,64", "128,128,32")]
    public string Codebooks { get; set; } = "256,256,64";

    [Params(10_000)]
    public int Rows { get; set; } = 10_000;

    [GlobalSetup]
    public void Setup()
    {
        string onnx = Path.Combine(SharedData.Root, Folder, "model.onnx");
        LutNetwork exact = OnnxImporter.Import(onnx);
        LutNetwork network = LoadOrCalibrate(exact, Codebooks);
        _x = NpyFile.Read(Path.Combine(SharedData.Root, Folder, "X_test.npy")).ToSingle().AsSpan(0, Rows * 784).ToArray();
        _y = new float[Rows * 10];
        _classes = new int[Rows];
        _fused = NetworkKernel.CreateFused(network);
        _layered = NetworkKernel.CompileLayers(network);
        _emitted = NetworkKernel.Compile(network);
        _exact = NetworkExecutor.CreateExact(exact);
        _onnxOptions = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _onnx = new InferenceSession(onnx, _onnxOptions);
        _run = new RunOptions();
        _onnxInput = OrtValue.CreateTensorValueFromMemory(_x, new long[] { Rows, 784 });
        _onnxOutput = OrtValue.CreateTensorValueFromMemory(_y, new long[] { Rows, 10 });
        Console.WriteLine("// network " + Codebooks + ": fused kernel width " + _fused.VectorWidth + " bits; ONNX Runtime " +
            OrtEnv.Instance().GetVersionString());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxInput.Dispose();
        _onnxOutput.Dispose();
        _run.Dispose();
        _onnx.Dispose();
        _onnxOptions.Dispose();
    }

    [Benchmark]
    public void FusedMultiply() => _fused.Multiply(_x, _y);

    [Benchmark]
    public void FusedPredict() => _fused.Predict(_x, _classes);

    [Benchmark]
    public void EmittedMultiply() => _emitted.Multiply(_x, _y);

    [Benchmark]
    public void EmittedPredict() => _emitted.Predict(_x, _classes);

    [Benchmark]
    public void LayeredMultiply() => _layered.Multiply(_x, _y);

    [Benchmark]
    public void ExactExecutor() => _exact.Multiply(_x, _y);

    [Benchmark(Baseline = true)]
    public void OnnxRuntime() => _onnx.Run(_run, new[] { "pixels" }, new[] { _onnxInput }, new[] { "logits" }, new[] { _onnxOutput });

    private static LutNetwork LoadOrCalibrate(LutNetwork exact, string codebooks)
    {
        string? configured = Environment.GetEnvironmentVariable("KERNELCOMPILER_NETWORK");
        if (!string.IsNullOrEmpty(configured)) return LutNetwork.Load(configured);
        string cache = Path.Combine(Path.GetTempPath(), "kernelcompiler-bench", "mnist-mlp-net-" + codebooks.Replace(',', '_') + ".lut.json");
        if (File.Exists(cache)) return LutNetwork.Load(cache);
        float[] train = NpyFile.Read(Path.Combine(SharedData.Root, Folder, "X_train.npy")).ToSingle();
        int[] labels = NpyFile.Read(Path.Combine(SharedData.Root, Folder, "y_train.npy")).ToInt32();
        LutNetwork network = NetworkCalibrator.Calibrate(exact, train, labels, new NetworkCalibrationOptions
        {
            LayerCodebooks = codebooks.Split(',').Select(int.Parse).ToArray(),
        }).Network;
        Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
        network.Save(cache);
        return network;
    }
}

/// <summary>Min and Median beside the Mean (a shared machine disturbs some iterations), and the per-row columns.</summary>
public sealed class NetworkBenchmarkConfig : ManualConfig
{
    public NetworkBenchmarkConfig() => AddColumn(StatisticColumn.Min, StatisticColumn.Median);
}
