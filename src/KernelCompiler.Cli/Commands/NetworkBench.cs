using System;
using System.IO;
using System.Text;
using System.Text.Json;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// <c>kernelc bench</c> on a network file: times the network kernel (the backend chosen, by default the fused
    /// kernel), the same LUT layers one by one (<see cref="NetworkKernel.CompileLayers"/>) and the exact network on the same
    /// rows in one run, one thread each. The exact engine is ONNX Runtime when <c>--onnx</c> names the source model
    /// (by default the ONNX file the network records, when it is unchanged), else the project's exact executor on the network given by <c>--exact</c>. With <c>--input</c> the rows are real
    /// rows (the first N), and with <c>--labels</c> the accuracy of the kernel and of the exact engine is reported.
    /// </summary>
    internal static class NetworkBench
    {
        public sealed record Request(string ModelPath, LutNetwork Network, int Rows, bool RowsGiven, string? Onnx, string? Exact,
            string? Input, string? Labels, string Backend, bool Json);

        public static int Run(CliContext context, Request request)
        {
            LutNetwork network = request.Network;
            string? onnxPath = request.Onnx;
            if (onnxPath is null && request.Exact is null)
            {
                // Without either option: the ONNX file the network was imported from, if it is still there unchanged.
                string? why = null;
                if (network.Source is { } source &&
                    RecordedExact.TryLoad(request.ModelPath, source, out string recorded, out why) is not null)
                {
                    onnxPath = recorded;
                }
                else
                {
                    throw new UsageException("bench on a network needs the exact network to time against: --onnx model.onnx " +
                        "(ONNX Runtime) or --exact model.onnx|exact.lut.json (the project's exact executor)" +
                        (why is null ? "" : " (" + why + ")"));
                }
            }

            int d = network.InputDimension, m = network.OutputDimension;
            float[] x;
            int rows;
            int[]? labels = null;
            if (request.Input is not null)
            {
                Matrix all = NetworkFiles.ReadRows(request.Input, network, "input rows");
                int[]? allLabels = request.Labels is null ? null : DataFiles.ReadLabels(request.Labels, all);
                rows = request.RowsGiven ? Math.Min(request.Rows, all.Rows) : all.Rows;
                if (request.RowsGiven && request.Rows > all.Rows)
                {
                    context.Error.WriteLine("kernelc: warning: --rows " + request.Rows + " but " + request.Input + " holds " +
                        all.Rows + " rows; timing those " + all.Rows + ".");
                }
                x = all.Values.AsSpan(0, rows * d).ToArray();
                labels = allLabels?.AsSpan(0, rows).ToArray();
            }
            else
            {
                if (request.Labels is not null) throw new UsageException("--labels needs --input: labels belong to real rows");
                rows = request.Rows;
                if ((long)rows * Math.Max(d, m) > Array.MaxLength) throw new UsageException("--rows " + rows + " is too large for one block");
                x = Gaussian(new Random(0), rows * d);
            }

            NetworkExecutor kernel = NetworkCommands.CreateExecutor(request.Backend, network);
            NetworkExecutor layered = NetworkKernel.CompileLayers(network);
            using OnnxRuntimeEngine? onnx = onnxPath is null ? null : new OnnxRuntimeEngine(onnxPath, network);
            NetworkExecutor? exactExecutor = onnxPath is null ? NetworkExecutor.CreateExact(LoadExact(request.Exact!, network)) : null;
            var y = new float[rows * m];
            var yLayered = new float[rows * m];
            var yExact = new float[rows * m];
            Action exact = onnx is not null ? () => onnx.Run(x, rows, yExact) : () => exactExecutor!.Multiply(x, yExact);
            context.CancellationToken.ThrowIfCancellationRequested();

            (Spread kernelNs, Spread exactNs) = Timing.NanosecondsPerRow(() => kernel.Multiply(x, y), exact, rows, context.CancellationToken);
            (Spread kernelNs2, Spread layeredNs) = Timing.NanosecondsPerRow(() => kernel.Multiply(x, y), () => layered.Multiply(x, yLayered),
                rows, context.CancellationToken);

            double? accuracy = labels is null ? null : Metrics.Accuracy<float>(y, m, labels);
            double? exactAccuracy = labels is null ? null : Metrics.Accuracy<float>(yExact, m, labels);
            string engineName = onnx is not null ? "onnxruntime" : "exact-executor";
            string engine = onnx is not null ? OnnxRuntimeEngine.Description : "KernelCompiler exact network executor (float32, documented summation order, 1 thread)";
            if (request.Json)
            {
                using var stream = new MemoryStream();
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("model", request.ModelPath);
                    w.WriteString("kind", "network");
                    w.WriteString("backend", kernel.Backend);
                    w.WriteNumber("rows", rows);
                    w.WriteString("rowSource", request.Input ?? "random");
                    w.WriteString("layout", "row");
                    w.WriteNumber("threads", 1);
                    w.WriteNumber("inputDimension", d);
                    w.WriteNumber("outputDimension", m);
                    w.WriteNumber("layers", network.Layers.Count);
                    JsonReports.WriteTimes(w, kernelNs, exactNs, engineName, engine);
                    w.WriteNumber("layeredNsPerRow", Math.Round(layeredNs.Median, 3));
                    w.WriteNumber("layeredNsPerRowMin", Math.Round(layeredNs.Min, 3));
                    w.WriteNumber("layeredNsPerRowMax", Math.Round(layeredNs.Max, 3));
                    w.WriteNumber("speedupOverLayered", Math.Round(layeredNs.Median / kernelNs2.Median, 4));
                    w.WriteString("layeredEngine", layered.Backend + " (NetworkKernel.CompileLayers: the same LUT layers one by one)");
                    if (accuracy is double a) w.WriteNumber("accuracy", a);
                    if (exactAccuracy is double e) w.WriteNumber("exactAccuracy", e);
                    w.WriteEndObject();
                }

                context.Output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                TextWriter o = context.Output;
                o.WriteLine("network  " + request.ModelPath + " ('" + network.Name + "', " + network.Layers.Count + " layers, D = " + d + ", M = " + m + ")");
                o.WriteLine("rows     " + rows + " " + (request.Input is null ? "random" : "from " + request.Input) + ", row-major, 1 thread");
                o.WriteLine("kernel   " + kernelNs.Describe("F1") + ", " + kernel.Backend + " backend, end-to-end Multiply" +
                    (accuracy is double a ? ", accuracy " + (a * 100).ToString("F2") + " %" : ""));
                o.WriteLine("layered  " + layeredNs.Describe("F1") + ", the same layers one by one (" + layered.Backend + ")");
                o.WriteLine("exact    " + exactNs.Describe("F1") + ", " + engine +
                    (exactAccuracy is double e ? ", accuracy " + (e * 100).ToString("F2") + " %" : ""));
                o.WriteLine("speedup  " + JsonReports.Relative(kernelNs, exactNs) + " than exact, " +
                    JsonReports.Relative(kernelNs2, layeredNs) + " than layer by layer (medians of " + Timing.Runs + " alternating runs each)");
            }

            return ExitCodes.Success;
        }

        private static LutNetwork LoadExact(string path, LutNetwork network)
        {
            LutNetwork exact = NetworkFiles.LoadExact(path);
            if (exact.InputDimension != network.InputDimension || exact.OutputDimension != network.OutputDimension)
            {
                throw new ArgumentException("the exact network " + path + " maps " + exact.InputDimension + " inputs to " +
                    exact.OutputDimension + " outputs but the network maps " + network.InputDimension + " to " + network.OutputDimension);
            }

            return exact;
        }

        private static float[] Gaussian(Random rng, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u = 1.0 - rng.NextDouble();
                values[i] = (float)(Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * rng.NextDouble()));
            }

            return values;
        }
    }
}
