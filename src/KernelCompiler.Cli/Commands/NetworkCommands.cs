using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using KernelCompiler.Emit;
using KernelCompiler.IO;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Cli.Commands
{
    /// <summary>
    /// The verbs <c>eval</c>, <c>predict</c>, <c>info</c> and <c>show</c> on a network file (format version 2): each
    /// verb asks <see cref="NetworkFiles.LoadNetworkOrNull"/> and comes here when the file holds a network.
    /// </summary>
    internal static class NetworkCommands
    {
        /// <summary>The executor a <c>--backend</c> name stands for on a network: the whole network as one kernel, its
        /// encode emitted as IL (<c>emitted</c>) or table-driven (<c>fused</c>, and <c>auto</c>); or the LUT layers one
        /// by one through the generic kernel (<c>generic</c>). All are bit-identical.</summary>
        public static NetworkExecutor CreateExecutor(string backend, LutNetwork network) => backend switch
        {
            "reference" => NetworkExecutor.CreateReference(network),
            "generic" => NetworkKernel.CreateGeneric(network),
            "emitted" => NetworkKernel.Compile(network),
            "fused" or "auto" => NetworkKernel.CreateFused(network),
            "generated" => throw new UsageException("no generated kernels ship for networks; use --backend emitted to " +
                "compile the network at run time"),
            _ => throw new UsageException(KernelBackends.UnknownMessage(backend)),
        };

        /// <summary><c>kernelc eval</c> on a network: accuracy (with labels), and with the exact network its accuracy on
        /// the same rows and the NMSE of the final outputs. The exact network is <c>--exact</c> when given, else the ONNX
        /// file the network records as its source when it is there unchanged (else a warning on stderr).</summary>
        public static int Eval(CliContext context, string modelPath, LutNetwork network, string inputPath, string? labelsPath,
            string? exactPath, string backend, bool json)
        {
            Matrix x = NetworkFiles.ReadRows(inputPath, network, "input rows");
            int[]? labels = labelsPath is null ? null : DataFiles.ReadLabels(labelsPath, x);
            LutNetwork? exact = exactPath is null ? null : NetworkFiles.LoadExact(exactPath);
            string exactFrom = exactPath is null ? "none" : "option";
            if (exact is null && network.Source is NetworkSource source)
            {
                exact = RecordedExact.TryLoad(modelPath, source, out string recorded, out string? warning);
                if (warning is not null)
                {
                    context.Error.WriteLine("kernelc: warning: " + warning);
                }
                else
                {
                    exactPath = recorded;
                    exactFrom = "recorded";
                }
            }

            if (exact is not null && (exact.InputDimension != network.InputDimension || exact.OutputDimension != network.OutputDimension))
            {
                throw new ArgumentException("the exact network " + exactPath + " maps " + exact.InputDimension + " inputs to " +
                    exact.OutputDimension + " outputs but " + modelPath + " maps " + network.InputDimension + " to " +
                    network.OutputDimension);
            }

            NetworkExecutor executor = CreateExecutor(backend, network);
            int m = network.OutputDimension;
            var approximate = new float[(long)x.Rows * m];
            executor.Multiply(x.Values, approximate);
            context.CancellationToken.ThrowIfCancellationRequested();
            double? nmse = null, exactAccuracy = null;
            if (exact is not null)
            {
                var exactOutputs = new float[approximate.Length];
                NetworkExecutor.CreateExact(exact).Multiply(x.Values, exactOutputs);
                nmse = Metrics.NormalizedMeanSquaredError(Array.ConvertAll(exactOutputs, v => (double)v), approximate);
                exactAccuracy = labels is null ? null : Metrics.Accuracy<float>(exactOutputs, m, labels);
            }

            double? accuracy = labels is null ? null : Metrics.Accuracy<float>(approximate, m, labels);
            if (json)
            {
                using var stream = new MemoryStream();
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("model", modelPath);
                    w.WriteString("kind", "network");
                    w.WriteString("backend", executor.Backend);
                    w.WriteNumber("rows", x.Rows);
                    w.WriteNumber("inputDimension", network.InputDimension);
                    w.WriteNumber("outputDimension", m);
                    w.WriteNumber("layers", network.Layers.Count);
                    WriteOptional(w, "nmse", nmse);
                    WriteOptional(w, "accuracy", accuracy);
                    WriteOptional(w, "exactAccuracy", exactAccuracy);
                    if (exactPath is not null) w.WriteString("exact", exactPath);
                    else w.WriteNull("exact");
                    w.WriteString("exactFrom", exactFrom);
                    w.WriteEndObject();
                }

                context.Output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            else
            {
                TextWriter o = context.Output;
                o.WriteLine("network   " + modelPath + " ('" + network.Name + "', " + network.Layers.Count + " layers), backend " +
                    executor.Backend + ", " + x.Rows + " rows");
                if (exactPath is not null)
                {
                    o.WriteLine("exact     " + exactPath + (exactFrom == "recorded"
                        ? " (recorded at import; its SHA-256 matches)"
                        : " (--exact)"));
                }

                o.WriteLine("NMSE      " + (nmse is double e ? e.ToString("G6", CultureInfo.InvariantCulture) +
                    "   (‖Y − Ŷ‖² / ‖Y‖² against the exact network's final outputs)" : "- (pass --exact model.onnx to compare)"));
                if (accuracy is double a)
                {
                    o.WriteLine("accuracy  " + Percent(a) + " approximate" +
                        (exactAccuracy is double ea ? ", " + Percent(ea) + " exact" : " (pass --exact model.onnx for the exact network's)"));
                }
            }

            return ExitCodes.Success;
        }

        /// <summary><c>kernelc predict</c> on a network: the final outputs, N × M float32.</summary>
        public static int Predict(CliContext context, LutNetwork network, string inputPath, string backend, string outputPath,
            bool json)
        {
            DataFiles.CheckOutputDirectory(outputPath, "--output");
            Matrix x = NetworkFiles.ReadRows(inputPath, network, "input rows");
            NetworkExecutor executor = CreateExecutor(backend, network);
            var y = new float[(long)x.Rows * network.OutputDimension];
            executor.Multiply(x.Values, y);
            context.CancellationToken.ThrowIfCancellationRequested();
            NpyFile.Write(outputPath, y, x.Rows, network.OutputDimension);
            if (json)
            {
                WriteJson(context, w =>
                {
                    w.WriteString("output", outputPath);
                    w.WriteString("kind", "network");
                    w.WriteNumber("rows", x.Rows);
                    w.WriteNumber("outputDimension", network.OutputDimension);
                    w.WriteString("dtype", "float32");
                    w.WriteString("backend", executor.Backend);
                });
            }
            else
            {
                context.Output.WriteLine("wrote " + outputPath + " (" + x.Rows + " × " + network.OutputDimension +
                    " float32, the network's final outputs, backend " + executor.Backend + ")");
            }

            return ExitCodes.Success;
        }

        /// <summary><c>kernelc info</c> on a network: input, head and one line per layer.</summary>
        public static int Info(CliContext context, string modelPath, LutNetwork network, bool json)
        {
            if (json)
            {
                WriteInfoJson(context, modelPath, network);
                return ExitCodes.Success;
            }

            TextWriter o = context.Output;
            o.WriteLine("network      " + modelPath);
            o.WriteLine("name         " + network.Name);
            o.WriteLine("producer     " + (network.Producer ?? "(not recorded)"));
            o.WriteLine("source       " + (network.Source is NetworkSource source
                ? source.ResolvePath(modelPath) + " (SHA-256 " + source.Sha256 + ")"
                : "(not recorded)"));
            o.WriteLine("input        '" + network.Input.Name + "' [" + network.Input.BatchName + ", " +
                string.Join(", ", network.Input.Shape) + "], D = " + network.InputDimension);
            o.WriteLine("head         " + (network.Head == NetworkHead.ArgMax ? "argmax" : "logits") +
                (network.OutputTransform == NetworkOutputTransform.None ? "" : " (the source ended in " +
                    (network.OutputTransform == NetworkOutputTransform.Softmax ? "Softmax" : "LogSoftmax") + ", not applied)"));
            long lookups = 0, multiplyAdds = 0;
            for (int i = 0; i < network.Layers.Count; i++)
            {
                NetworkLayer layer = network.Layers[i];
                if (layer is LutLayer lut)
                {
                    lookups += (long)lut.Model.Codebooks * layer.OutputDimension;
                }
                else
                {
                    multiplyAdds += (long)layer.InputDimension * layer.OutputDimension;
                }

                o.WriteLine("layer " + i.ToString(CultureInfo.InvariantCulture).PadRight(7) + NetworkFiles.Describe(layer));
            }

            o.WriteLine("cost         " + (lookups + multiplyAdds) + " a row (" + lookups + " lookups + " + multiplyAdds +
                " multiply-adds)");
            return ExitCodes.Success;
        }

        /// <summary><c>kernelc show</c> on a network: the C# kernel of each LUT layer, each under a header.</summary>
        /// <summary>The network's C# as the <c>[LutKernel]</c> generator writes it for a network file: one class, each
        /// folded threshold a literal with the float it replaces in a comment.</summary>
        public static int Show(CliContext context, LutNetwork network, string modelPath, string className, string? ns)
        {
            var info = new KernelSourceInfo(className, ns, "public", Path.GetFileName(modelPath));
            context.Output.Write(CSharpNetworkWriter.Write(NetworkPlan.Create(network), info));
            return ExitCodes.Success;
        }

        private static void WriteInfoJson(CliContext context, string modelPath, LutNetwork network) => WriteJson(context, w =>
        {
            w.WriteString("model", modelPath);
            w.WriteString("kind", "network");
            w.WriteString("name", network.Name);
            if (network.Producer is null) w.WriteNull("producer");
            else w.WriteString("producer", network.Producer);
            if (network.Source is NetworkSource source)
            {
                w.WriteStartObject("source");
                w.WriteString("onnx", source.ResolvePath(modelPath));
                w.WriteString("sha256", source.Sha256);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("source");
            }

            w.WriteNumber("inputDimension", network.InputDimension);
            w.WriteNumber("outputDimension", network.OutputDimension);
            w.WriteString("head", network.Head == NetworkHead.ArgMax ? "argmax" : "logits");
            long lookups = 0, multiplyAdds = 0;
            w.WriteStartArray("layers");
            foreach (NetworkLayer layer in network.Layers)
            {
                w.WriteStartObject();
                w.WriteNumber("inputDimension", layer.InputDimension);
                w.WriteNumber("outputDimension", layer.OutputDimension);
                w.WriteString("activation", layer.Activation == LayerActivation.Relu ? "relu" : "identity");
                if (layer is LutLayer lut)
                {
                    w.WriteString("kind", "lut");
                    w.WriteNumber("codebooks", lut.Model.Codebooks);
                    lookups += (long)lut.Model.Codebooks * layer.OutputDimension;
                }
                else
                {
                    w.WriteString("kind", "exact");
                    multiplyAdds += (long)layer.InputDimension * layer.OutputDimension;
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("lookupsPerRow", lookups);
            w.WriteNumber("multiplyAddsPerRow", multiplyAdds);
        });

        private static void WriteJson(CliContext context, Action<Utf8JsonWriter> body)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                body(w);
                w.WriteEndObject();
            }

            context.Output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        }

        private static void WriteOptional(Utf8JsonWriter w, string name, double? value)
        {
            if (value is double v && double.IsFinite(v))
            {
                w.WriteNumber(name, v);
            }
        }

        private static string Percent(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
    }
}
