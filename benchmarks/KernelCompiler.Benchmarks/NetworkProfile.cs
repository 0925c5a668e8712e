using System;
using System.Diagnostics;
using System.IO;
using KernelCompiler.IO;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Benchmarks;

/// <summary>
/// Where the fused network kernel spends its time: <c>dotnet run -c Release -- network-profile net.lut.json [rows] [fused|emitted]</c>
/// runs it over the first rows of mnist-mlp-net's test set with per-stage Stopwatch laps (the gather, each layer's
/// encode and aggregation) and prints ns per row per stage, next to what each stage does (lookups, table and code bytes
/// per tile). It explains a BenchmarkDotNet figure; it is not one (the laps add a little time of their own).
/// </summary>
public static class NetworkProfile
{
    public static void Run(string path, int rows, bool emitted = false)
    {
        LutNetwork network = LutNetwork.Load(path);
        float[] x = NpyFile.Read(Path.Combine(SharedData.Root, "mnist-mlp-net", "X_test.npy")).ToSingle().AsSpan(0, rows * 784).ToArray();
        LutNetworkKernel kernel = emitted ? NetworkKernel.Compile(network) : NetworkKernel.CreateFused(network);
        FusedNetworkRunner runner = kernel.Runner;
        var y = new int[rows];
        for (int i = 0; i < 3; i++) kernel.Predict(x, y);
        var ticks = new long[1 + 2 * network.Layers.Count];
        runner.StageTicks = ticks;
        const int repeats = 5;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeats; i++) kernel.Predict(x, y);
        long total = Stopwatch.GetTimestamp() - start;
        runner.StageTicks = null;
        double scale = 1e9 / Stopwatch.Frequency / rows / repeats;
        Console.WriteLine($"network {path} ({kernel.Backend}): {rows} rows, width {kernel.VectorWidth}{(runner.Permute ? " (vpermb)" : "")}, Predict {total * scale:F0} ns/row in all");
        Console.WriteLine($"  gather {kernel.Plan.InputColumns.Length} of {network.InputDimension} columns: {ticks[0] * scale:F0} ns/row");
        for (int k = 0; k < network.Layers.Count; k++)
        {
            NetworkLayerPlan layer = kernel.Plan.Layers[k];
            if (layer.Model is LutModel model)
            {
                int outputs = layer.Outputs.Length, c = model.Codebooks;
                long tableBytes = (long)outputs * ((c + 3) / 4) * 64;
                Console.WriteLine($"  layer {k} LUT {model.InputDimension}x{model.OutputDimension} C={c}, computes {outputs} outputs ({layer.Input} in, {layer.Output} out): " +
                    $"encode {ticks[1 + 2 * k] * scale:F0} ns/row, aggregate {ticks[2 + 2 * k] * scale:F0} ns/row; " +
                    $"{(long)outputs * c} lookups/row, tables {tableBytes / 1024} KiB and codes {c * 64 / 1024.0:F0} KiB per 64-row tile");
            }
            else
            {
                Console.WriteLine($"  layer {k} exact {layer.Layer.InputDimension}x{layer.Layer.OutputDimension}, computes {layer.Outputs.Length} outputs: " +
                    $"{ticks[2 + 2 * k] * scale:F0} ns/row, {(long)layer.Outputs.Length * layer.Layer.InputDimension} multiply-adds/row");
            }
        }
    }
}
