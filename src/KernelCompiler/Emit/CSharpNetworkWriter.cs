// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Globalization;
using System.Text;
using KernelCompiler.NetworkKernels;

namespace KernelCompiler.Emit
{
    /// <summary>
    /// Writes a <see cref="NetworkPlan"/> as one readable C# file: a <c>static partial class</c> with
    /// <c>Multiply(x, logits)</c> and <c>Predict(x, classes)</c> (and partitioned overloads); a file-local struct of the
    /// network's encode steps (<c>INetworkKernelSteps</c>: each LUT layer's trees as code, split slots and thresholds
    /// as constants, per vector path; CSharpNetworkWriter.Steps.cs); and a file-local class holding the rest as data
    /// (hidden LUT layers cut to the outputs the next layer reads, see WrittenLayer): per LUT layer its split
    /// dimensions, float thresholds, the plan's folded integer thresholds (each a literal with the float it replaces in
    /// a comment), tables, steps and offsets; per exact layer its weights and bias. The model-independent tile loop is
    /// the runtime's (<c>KernelCompiler.Runtime.NetworkKernelBuilder</c> builds a <c>LutNetworkKernel</c> from the data
    /// and the steps struct, checking the network runtime contract the file was written for).
    /// </summary>
    /// <remarks>Linked into the netstandard2.0 generator: keep it free of APIs newer than netstandard2.0. Output depends
    /// only on the plan and the info (invariant culture throughout), so it is deterministic.</remarks>
    internal static partial class CSharpNetworkWriter
    {
        /// <summary>The network runtime contract generated code is written for (NetworkKernelBuilder.ContractVersion; the
        /// runtime is not linked into the generator, so it is repeated here and a test keeps the two equal).</summary>
        public const int RuntimeContractVersion = 2;

        /// <summary>Byte data above this many bytes is written as one base64 UTF-8 literal instead of a list (as
        /// <see cref="CSharpKernelWriter"/> does for layer tables: long lists slow the C# compiler down).</summary>
        public const int MaxListedBytes = 256 * 1024;

        /// <summary>Float data above this many values is written as base64 of its little-endian bytes.</summary>
        public const int MaxListedFloats = 16 * 1024;

        private const string Lib = "global::KernelCompiler.";

        /// <summary>The C# of <paramref name="plan"/>'s network kernel.</summary>
        /// <param name="plan">The network's plan (its folded thresholds are written as literals).</param>
        /// <param name="info">Class, namespace, accessibility and the file name shown in the header.</param>
        /// <returns>The source text.</returns>
        public static string Write(NetworkPlan plan, KernelSourceInfo info)
        {
            if (plan is null) throw new ArgumentNullException(nameof(plan));
            if (info is null) throw new ArgumentNullException(nameof(info));
            var w = new CSharpKernelWriter.SourceText();
            LutNetwork network = plan.Network;
            string data = info.ClassName + "Network";
            WriteHeader(w, plan, info);
            bool ns = info.Namespace != null;
            if (ns)
            {
                w.Line("namespace " + info.Namespace);
                w.Open();
            }

            w.Line("/// <summary>");
            w.Line("/// Network \"" + CSharpKernelWriter.Xml(network.Name) + "\" as one fused kernel: " + Int(network.InputDimension) +
                " inputs, " + Int(network.OutputDimension) + " outputs, " + Int(network.Layers.Count) + " layers. Outputs and classes equal the reference");
            w.Line("/// network's (<c>NetworkExecutor.CreateReference</c>) bit for bit.");
            w.Line("/// </summary>");
            w.Line("[GeneratedCode(\"KernelCompiler\", \"" + CSharpKernelWriter.ToolVersion + "\")]");
            w.Line(info.Accessibility + " static partial class " + info.ClassName);
            w.Open();
            WriteEntryPoints(w, network, data);
            w.DropBlankLine();
            w.Close();
            w.Line();

            // The data lives in a file-local class, so no name can collide with the user's own members.
            w.Line("/// <summary>The layers of <see cref=\"" + info.ClassName + "\"/>'s network.</summary>");
            w.Line("[GeneratedCode(\"KernelCompiler\", \"" + CSharpKernelWriter.ToolVersion + "\")]");
            w.Line("file static class " + data);
            w.Open();
            WriteBuild(w, plan, info.ClassName + "NetworkSteps");
            foreach (NetworkLayerPlan layer in plan.Layers)
            {
                if (layer.Model is LutModel model)
                {
                    WriteLutLayer(w, plan, layer, model);
                }
                else
                {
                    WriteDenseLayer(w, layer, (DenseLayer)layer.Layer);
                }
            }

            w.DropBlankLine();
            w.Close();
            w.Line();
            WriteSteps(w, plan, info.ClassName + "NetworkSteps");
            if (ns)
            {
                w.Close();
            }

            return w.ToString();
        }

        private static void WriteHeader(CSharpKernelWriter.SourceText w, NetworkPlan plan, KernelSourceInfo info)
        {
            LutNetwork network = plan.Network;
            w.Line("// <auto-generated/>");
            w.Line("// MADDNESS network kernel generated by KernelCompiler " + CSharpKernelWriter.ToolVersion + " from network \"" +
                CSharpKernelWriter.Comment(network.Name) + "\"" + (info.ModelPath != null ? " (" + CSharpKernelWriter.Comment(info.ModelPath) + ")" : "") + ".");
            w.Line("// One kernel carries a tile of rows through every layer (KernelCompiler.Runtime); this file holds the network: its");
            w.Line("// encode as code (the steps struct at the end), its tables, dequantisation and dense weights as data.");
            foreach (NetworkLayerPlan layer in plan.Layers)
            {
                w.Line("// " + LayerSummary(layer));
            }

            w.Line("#nullable enable");
            w.Line();
            w.Line("using System;");
            w.Line("using System.CodeDom.Compiler;");
            w.Line("using System.Runtime.CompilerServices;");
            w.Line("using System.Runtime.Intrinsics;");
            w.Line("using NetworkEncodeSteps = global::KernelCompiler.Runtime.NetworkEncodeSteps;");
            w.Line();
        }

        /// <summary>One line per layer: kind, shape, activation, what it computes and how it hands over.</summary>
        internal static string LayerSummary(NetworkLayerPlan layer)
        {
            NetworkLayer l = layer.Layer;
            var sb = new StringBuilder();
            sb.Append("Layer ").Append(Int(layer.Index)).Append(": ");
            if (layer.Model is LutModel model)
            {
                sb.Append("LUT ").Append(Int(l.InputDimension)).Append(" -> ").Append(Int(l.OutputDimension))
                  .Append(", C = ").Append(Int(model.Codebooks)).Append(", aggregation ")
                  .Append(model.Aggregation == LutAggregation.Exact ? "exact" : "average (groups of " + Int(model.AverageGroupSize) + ")");
            }
            else
            {
                sb.Append("exact ").Append(Int(l.InputDimension)).Append(" -> ").Append(Int(l.OutputDimension));
            }

            sb.Append(", ").Append(l.Activation == LayerActivation.Relu ? "ReLU" : "identity");
            sb.Append("; reads ").Append(layer.Input == HandOff.Sums ? "raw sums (folded integer thresholds)" : "floats");
            sb.Append("; computes ").Append(Int(layer.Outputs.Length)).Append(" of ").Append(Int(l.OutputDimension)).Append(" outputs");
            sb.Append("; hands on ").Append(layer.Output == HandOff.Sums ? "raw sums" : "floats").Append('.');
            return sb.ToString();
        }

        private static void WriteEntryPoints(CSharpKernelWriter.SourceText w, LutNetwork network, string data)
        {
            w.Line("/// <summary>D: values per input row.</summary>");
            w.Line("public const int InputDimension = " + Int(network.InputDimension) + ";");
            w.Line();
            w.Line("/// <summary>M: outputs (logits) per row.</summary>");
            w.Line("public const int OutputDimension = " + Int(network.OutputDimension) + ";");
            w.Line();
            w.Line("/// <summary>The network kernel these methods run (backend \"generated\"), for code that takes a");
            w.Line("/// <c>NetworkExecutor</c>. Its network is the file's with hidden LUT layers cut to the outputs the next layer reads.</summary>");
            w.Line("public static " + Lib + "LutNetworkKernel Kernel => " + data + ".Kernel;");
            w.Line();
            w.Line("/// <summary>The network's outputs (logits) for row-major rows: <paramref name=\"logits\"/> is N × M.</summary>");
            w.Line("/// <param name=\"x\">N × D inputs, row-major.</param>");
            w.Line("/// <param name=\"logits\">At least N × M floats.</param>");
            w.Line("/// <exception cref=\"ArgumentException\">The input is not a whole number of rows, or the destination is too short.</exception>");
            w.Line("public static void Multiply(ReadOnlySpan<float> x, Span<float> logits) => " + data + ".Kernel.Multiply(x, logits);");
            w.Line();
            w.Line("/// <summary>The class of each row (the argmax head): the index of its largest output, the first of equal");
            w.Line("/// maxima, NaN never winning.</summary>");
            w.Line("/// <param name=\"x\">N × D inputs, row-major.</param>");
            w.Line("/// <param name=\"classes\">At least N entries.</param>");
            w.Line("/// <exception cref=\"ArgumentException\">The input is not a whole number of rows, or <paramref name=\"classes\"/> is too short.</exception>");
            w.Line("public static void Predict(ReadOnlySpan<float> x, Span<int> classes) => " + data + ".Kernel.Predict(x, classes);");
            w.Line();
            w.Line("/// <summary>Like <see cref=\"Multiply(ReadOnlySpan{float}, Span{float})\"/>, with the rows split into contiguous");
            w.Line("/// partitions run in parallel; the same bits.</summary>");
            w.Line("/// <param name=\"x\">N × D inputs, row-major.</param>");
            w.Line("/// <param name=\"logits\">At least N × M floats.</param>");
            w.Line("/// <param name=\"parallelOptions\">The degree of parallelism and a cancellation token.</param>");
            w.Line("/// <exception cref=\"ArgumentException\">The input is not a whole number of rows, or the destination is too short.</exception>");
            w.Line("/// <exception cref=\"OperationCanceledException\">The options' cancellation token was cancelled.</exception>");
            w.Line("public static void Multiply(ReadOnlySpan<float> x, Span<float> logits, global::System.Threading.Tasks.ParallelOptions parallelOptions)");
            w.Line("    => " + data + ".Kernel.Multiply(x, logits, parallelOptions);");
            w.Line();
            w.Line("/// <summary>Like <see cref=\"Predict(ReadOnlySpan{float}, Span{int})\"/>, with the rows split into contiguous");
            w.Line("/// partitions run in parallel; the same classes.</summary>");
            w.Line("/// <param name=\"x\">N × D inputs, row-major.</param>");
            w.Line("/// <param name=\"classes\">At least N entries.</param>");
            w.Line("/// <param name=\"parallelOptions\">The degree of parallelism and a cancellation token.</param>");
            w.Line("/// <exception cref=\"ArgumentException\">The input is not a whole number of rows, or <paramref name=\"classes\"/> is too short.</exception>");
            w.Line("/// <exception cref=\"OperationCanceledException\">The options' cancellation token was cancelled.</exception>");
            w.Line("public static void Predict(ReadOnlySpan<float> x, Span<int> classes, global::System.Threading.Tasks.ParallelOptions parallelOptions)");
            w.Line("    => " + data + ".Kernel.Predict(x, classes, parallelOptions);");
            w.Line();
        }

        private static void WriteBuild(CSharpKernelWriter.SourceText w, NetworkPlan plan, string steps)
        {
            LutNetwork network = plan.Network;
            w.Line("// Built on first use from the data below (properties over literals, so there is no field order to keep).");
            w.Line("internal static readonly " + Lib + "LutNetworkKernel Kernel = Build();");
            w.Line();
            w.Line("private static " + Lib + "LutNetworkKernel Build()");
            w.Open();
            w.Line("var network = new " + Lib + "Runtime.NetworkKernelBuilder(" + Int(RuntimeContractVersion) + ", " + StringLiteral(network.Name) +
                ", " + Int(network.InputDimension) + ", " + Lib + "NetworkHead." + (network.Head == NetworkHead.ArgMax ? "ArgMax" : "Logits") + ");");
            foreach (NetworkLayerPlan layer in plan.Layers)
            {
                string p = "Layer" + Int(layer.Index);
                NetworkLayer l = layer.Layer;
                string activation = Lib + "LayerActivation." + (l.Activation == LayerActivation.Relu ? "Relu" : "Identity");
                if (layer.Model is LutModel model)
                {
                    var written = new WrittenLayer(plan, layer, model);
                    w.Line("network.AddLutLayer(" + Int(written.InputDimension) + ", " + Int(written.Units.Length) + ", " + Lib + "LutAggregation." +
                        (model.Aggregation == LutAggregation.Exact ? "Exact" : "Average") + ", " + activation + ",");
                    w.Line("    " + p + "SplitDimensions, " + p + "Thresholds, " + (layer.FoldedThresholds is null ? "default" : p + "FoldedThresholds") +
                        ", " + Data(p + "Tables", written.Tables.Length > MaxListedBytes) + ", " + p + "Steps, " + p + "Offsets);");
                }
                else
                {
                    var dense = (DenseLayer)l;
                    w.Line("network.AddDenseLayer(" + Int(l.InputDimension) + ", " + Int(l.OutputDimension) + ", " + activation + ", " +
                        FloatData(p + "Weights", dense.Weights.Length) + ", " + FloatData(p + "Bias", dense.Bias.Length) + ");");
                }
            }

            w.Line("return network.Build<" + steps + ">();");
            w.Close();
            w.Line();
            w.Line("private static byte[] FromBase64(ReadOnlySpan<byte> base64) => Convert.FromBase64String(global::System.Text.Encoding.ASCII.GetString(base64));");
            w.Line();
            w.Line("// Little-endian float32 bits, as every platform .NET runs on stores them.");
            w.Line("private static ReadOnlySpan<float> FloatsFromBase64(ReadOnlySpan<byte> base64)");
            w.Line("    => global::System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(FromBase64(base64));");
            w.Line();
        }

        private static string Data(string name, bool base64) => base64 ? "FromBase64(" + name + "Base64)" : name;

        private static string FloatData(string name, int count)
            => count > MaxListedFloats ? "FloatsFromBase64(" + name + "Base64)" : name;

        private static void WriteLutLayer(CSharpKernelWriter.SourceText w, NetworkPlan plan, NetworkLayerPlan layer, LutModel model)
        {
            string p = "Layer" + Int(layer.Index);
            int c = model.Codebooks;
            var written = new WrittenLayer(plan, layer, model);
            w.Line("// " + LayerSummary(layer));
            if (written.Trimmed)
            {
                w.Line("// Only the " + Int(written.Units.Length) + " outputs layer " + Int(layer.Index + 1) + " reads are kept; the next layer's split dimensions");
                w.Line("// index them. Output j here is this unit of the file's layer:");
                for (int start = 0; start < written.Units.Length; start += 32)
                {
                    int count = Math.Min(32, written.Units.Length - start);
                    var units = new int[count];
                    Array.Copy(written.Units, start, units, 0, count);
                    w.Line("//   " + Int(start) + ": " + IntList(units));
                }
            }

            w.Line();
            w.Line(written.SplitsOnKept
                ? "// Codebook c's tree reads split dimension [4c + level]: an output kept of layer " + Int(layer.Index - 1) + " (its unit in the comment)."
                : "// Codebook c's tree reads split dimension [4c + level] (slot in the layer's input tile in the comment).");
            w.Line("private static ReadOnlySpan<int> " + p + "SplitDimensions => new int[]");
            w.Open();
            for (int cb = 0; cb < c; cb++)
            {
                var sb = new StringBuilder();
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    int i = cb * LutModel.TreeDepth + level;
                    sb.Append(Int(written.SplitDimensions[i])).Append(written.SplitsOnKept ? " /* unit " : " /* slot ")
                      .Append(Int(written.SplitsOnKept ? model.SplitDimensions[i] : layer.SplitSlots![i])).Append(" */, ");
                }

                w.Line(sb.Append("// codebook ").Append(Int(cb)).ToString());
            }

            w.CloseWith("};");
            w.Line();
            WriteFloats(w, p + "Thresholds", model.Thresholds.ToArray(), LutModel.ThresholdsPerCodebook, "codebook",
                "// Float thresholds, [codebook][node] (x >= t goes right)" +
                (layer.FoldedThresholds is null ? "." : ": the model's; the kernel decides on the folded ones below."));
            if (layer.FoldedThresholds is int[] folded)
            {
                WriteFolded(w, plan, layer, model, folded);
            }

            WriteBytes(w, p + "Tables", written.Tables, c * LutModel.BucketCount, "// Tables, [output][codebook][bucket].");
            WriteFloats(w, p + "Steps", written.Steps, 16, "outputs from", "// Dequantisation: output m = activation(FusedMultiplyAdd(S, step[m], offset[m])).");
            WriteFloats(w, p + "Offsets", written.Offsets, 16, "outputs from", null);
        }

        /// <summary>
        /// What the file holds of a LUT layer. A hidden layer that hands raw sums to a LUT layer keeps only the outputs
        /// that layer reads (<see cref="NetworkLayerPlan.Outputs"/>), and the layer after it splits on positions in that
        /// list (its <see cref="NetworkLayerPlan.SplitSlots"/>) instead of units: the same network restricted to what
        /// runs, so the same outputs bit for bit, with every folded threshold unchanged (a threshold folds against its
        /// unit's step and offset, which move with it). Other layers are written whole.
        /// </summary>
        private sealed class WrittenLayer
        {
            public WrittenLayer(NetworkPlan plan, NetworkLayerPlan layer, LutModel model)
            {
                Trimmed = layer.Output == HandOff.Sums;
                SplitsOnKept = layer.Input == HandOff.Sums;
                InputDimension = SplitsOnKept ? plan.Layers[layer.Index - 1].Outputs.Length : model.InputDimension;
                SplitDimensions = SplitsOnKept ? layer.SplitSlots! : model.SplitDimensions.ToArray();
                int m = model.OutputDimension, row = model.Codebooks * LutModel.BucketCount;
                Units = Trimmed ? layer.Outputs : All(m);
                Tables = new byte[Units.Length * row];
                Steps = new float[Units.Length];
                Offsets = new float[Units.Length];
                ReadOnlySpan<byte> tables = model.Tables;
                for (int j = 0; j < Units.Length; j++)
                {
                    tables.Slice(Units[j] * row, row).CopyTo(new Span<byte>(Tables, j * row, row));
                    Steps[j] = model.Steps[Units[j]];
                    Offsets[j] = model.Offsets[Units[j]];
                }
            }

            /// <summary>Whether only the outputs the next layer reads are kept.</summary>
            public bool Trimmed { get; }

            /// <summary>Whether the split dimensions index the previous layer's kept outputs.</summary>
            public bool SplitsOnKept { get; }

            public int InputDimension { get; }

            public int[] SplitDimensions { get; }

            /// <summary>The file layer's unit of each written output.</summary>
            public int[] Units { get; }

            public byte[] Tables { get; }

            public float[] Steps { get; }

            public float[] Offsets { get; }

            private static int[] All(int count)
            {
                var all = new int[count];
                for (int i = 0; i < count; i++) all[i] = i;
                return all;
            }
        }

        private static string IntList(int[] values)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append(Int(values[i]));
            }

            return sb.ToString();
        }

        /// <summary>The folded thresholds, one line per codebook: each literal g with the float t it replaces.</summary>
        private static void WriteFolded(CSharpKernelWriter.SourceText w, NetworkPlan plan, NetworkLayerPlan layer, LutModel model, int[] folded)
        {
            var previous = (LutLayer)plan.Layers[layer.Index - 1].Layer;
            LutModel pm = previous.Model;
            int bias = NetworkPlan.RawBias(pm);
            int high = NetworkPlan.MaxRawSum(pm);
            string act = previous.Activation == LayerActivation.Relu ? "ReLU" : "";
            string s = pm.Aggregation == LutAggregation.Exact ? "raw" : "(raw − " + Int(bias) + ")";
            w.Line("// Folded thresholds, [codebook][node]: the tree goes right when layer " + Int(layer.Index - 1) + "'s raw sum > g, exactly when");
            w.Line("// " + act + "(FusedMultiplyAdd(" + s + ", step[u], offset[u])) >= t (t in the comment, u the split unit). Raw sums lie in");
            w.Line("// 0.." + Int(high) + ": g = -1 always goes right, g = " + Int(high) + " never.");
            w.Line("private static ReadOnlySpan<int> Layer" + Int(layer.Index) + "FoldedThresholds => new int[]");
            w.Open();
            ReadOnlySpan<float> thresholds = model.Thresholds;
            for (int cb = 0; cb < model.Codebooks; cb++)
            {
                var sb = new StringBuilder();
                for (int node = 0; node < LutModel.ThresholdsPerCodebook; node++)
                {
                    int i = cb * LutModel.ThresholdsPerCodebook + node;
                    sb.Append(Int(folded[i])).Append(" /* t = ").Append(CSharpKernelWriter.Float(thresholds[i])).Append(" */, ");
                }

                w.Line(sb.Append("// codebook ").Append(Int(cb)).ToString());
            }

            w.CloseWith("};");
            w.Line();
        }

        private static void WriteDenseLayer(CSharpKernelWriter.SourceText w, NetworkLayerPlan layer, DenseLayer dense)
        {
            string p = "Layer" + Int(layer.Index);
            w.Line("// " + LayerSummary(layer));
            w.Line();
            WriteFloats(w, p + "Weights", dense.Weights.ToArray(), dense.OutputDimension, "input",
                "// Weights, D × M row-major: s = Σ x[d] · W[d, m] in d order, then activation(s + bias[m]).");
            WriteFloats(w, p + "Bias", dense.Bias.ToArray(), 16, "outputs from", null);
        }

        private static void WriteFloats(CSharpKernelWriter.SourceText w, string name, float[] values, int perLine, string label, string? comment)
        {
            if (comment != null) w.Line(comment);
            if (values.Length > MaxListedFloats)
            {
                var bytes = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    byte[] b = BitConverter.GetBytes(values[i]);
                    if (!BitConverter.IsLittleEndian) Array.Reverse(b);
                    Buffer.BlockCopy(b, 0, bytes, i * 4, 4);
                }

                WriteBase64(w, name + "Base64", bytes);
                return;
            }

            w.Line("private static ReadOnlySpan<float> " + name + " => new float[]");
            w.Open();
            for (int start = 0; start < values.Length; start += perLine)
            {
                var sb = new StringBuilder();
                for (int i = start; i < Math.Min(values.Length, start + perLine); i++)
                {
                    sb.Append(CSharpKernelWriter.Float(values[i])).Append(", ");
                }

                w.Line(sb.Append("// ").Append(label).Append(' ').Append(Int(label == "outputs from" ? start : start / perLine)).ToString());
            }

            w.CloseWith("};");
            w.Line();
        }

        private static void WriteBytes(CSharpKernelWriter.SourceText w, string name, byte[] bytes, int perLine, string comment)
        {
            w.Line(comment);
            if (bytes.Length > MaxListedBytes)
            {
                WriteBase64(w, name + "Base64", bytes);
                return;
            }

            w.Line("private static ReadOnlySpan<byte> " + name + " => new byte[]");
            w.Open();
            for (int m = 0; m * perLine < bytes.Length; m++)
            {
                var sb = new StringBuilder();
                for (int i = 0; i < perLine; i++)
                {
                    sb.Append(Int(bytes[m * perLine + i])).Append(", ");
                }

                w.Line(sb.Append("// output ").Append(Int(m)).ToString());
            }

            w.CloseWith("};");
            w.Line();
        }

        /// <summary>One raw UTF-8 literal of base64, 100 characters a line: a data blob in the assembly, one token for
        /// the compiler (see <see cref="CSharpKernelWriter"/>'s tables).</summary>
        private static void WriteBase64(CSharpKernelWriter.SourceText w, string name, byte[] bytes)
        {
            w.Line("private static ReadOnlySpan<byte> " + name + " => \"\"\"");
            string text = Convert.ToBase64String(bytes);
            const int width = 100;
            for (int i = 0; i < text.Length; i += width)
            {
                w.Line("    " + text.Substring(i, Math.Min(width, text.Length - i)));
            }

            w.Line("    \"\"\"u8;");
            w.Line();
        }

        /// <summary>A C# string literal of <paramref name="text"/>.</summary>
        private static string StringLiteral(string text)
        {
            var sb = new StringBuilder("\"");
            foreach (char ch in text)
            {
                if (ch == '"' || ch == '\\') sb.Append('\\').Append(ch);
                else if (ch < ' ' || ch > '~') sb.Append("\\u").Append(((int)ch).ToString("X4", CultureInfo.InvariantCulture));
                else sb.Append(ch);
            }

            return sb.Append('"').ToString();
        }

        private static string Int(int value) => CSharpKernelWriter.Int(value);
    }
}
