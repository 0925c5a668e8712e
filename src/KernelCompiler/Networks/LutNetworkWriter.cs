// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Text;
using KernelCompiler.IO;

namespace KernelCompiler
{
    /// <summary>Writes a version-2 network document: a header, the input, then one object per layer; a LUT layer embeds
    /// its version-1 model document unchanged, a dense layer its weights and bias as base64 float32.</summary>
    internal static class LutNetworkWriter
    {
        /// <param name="network">The network.</param>
        /// <param name="folder">The folder of the file being written, to write the source path relative to it; or null
        /// to write it as it is.</param>
        public static string Write(LutNetwork network, string? folder = null)
        {
            var sb = new StringBuilder();
            sb.Append("{\n");
            sb.Append("  \"format\": \"").Append(LutModelReader.FormatId).Append("\",\n");
            sb.Append("  \"version\": ").Append(LutNetwork.FormatVersion).Append(",\n");
            sb.Append("  \"kind\": \"").Append(LutNetworkReader.NetworkKind).Append("\",\n");
            sb.Append("  \"name\": ").Append(LutModelWriter.Quote(network.Name)).Append(",\n");
            if (network.Producer is not null)
            {
                sb.Append("  \"producer\": ").Append(LutModelWriter.Quote(network.Producer)).Append(",\n");
            }

            if (network.Source is NetworkSource source)
            {
                string onnx = folder is null ? source.OnnxPath : source.PathForFolder(folder);
                sb.Append("  \"source\": { \"onnx\": ").Append(LutModelWriter.Quote(onnx))
                    .Append(", \"sha256\": \"").Append(source.Sha256).Append("\" },\n");
            }

            sb.Append("  \"input\": { \"name\": ").Append(LutModelWriter.Quote(network.Input.Name))
                .Append(", \"batch\": ").Append(LutModelWriter.Quote(network.Input.BatchName)).Append(", \"shape\": [");
            for (int i = 0; i < network.Input.Shape.Count; i++)
            {
                sb.Append(i == 0 ? "" : ", ").Append(network.Input.Shape[i]);
            }

            sb.Append("] },\n");
            sb.Append("  \"head\": \"").Append(network.Head == NetworkHead.ArgMax ? "argmax" : "logits").Append("\",\n");
            sb.Append("  \"outputTransform\": \"").Append(network.OutputTransform switch
            {
                NetworkOutputTransform.Softmax => "softmax",
                NetworkOutputTransform.LogSoftmax => "logSoftmax",
                _ => "none",
            }).Append("\",\n");
            sb.Append("  \"layers\": [\n");
            for (int i = 0; i < network.Layers.Count; i++)
            {
                NetworkLayer layer = network.Layers[i];
                string activation = layer.Activation == LayerActivation.Relu ? "relu" : "identity";
                if (layer is DenseLayer dense)
                {
                    sb.Append("    { \"kind\": \"dense\", \"activation\": \"").Append(activation)
                        .Append("\", \"inputDimension\": ").Append(dense.InputDimension)
                        .Append(", \"outputDimension\": ").Append(dense.OutputDimension).Append(",\n");
                    sb.Append("      \"weights\": \"").Append(Base64(dense.Weights)).Append("\",\n");
                    sb.Append("      \"bias\": \"").Append(Base64(dense.Bias)).Append("\" }");
                }
                else
                {
                    var lut = (LutLayer)layer;
                    sb.Append("    { \"kind\": \"lut\", \"activation\": \"").Append(activation).Append("\", \"model\": ");
                    string model = LutModelWriter.Write(lut.Model).TrimEnd('\n');
                    sb.Append(model.Replace("\n", "\n    ")).Append(" }");
                }

                sb.Append(i + 1 < network.Layers.Count ? ",\n" : "\n");
            }

            sb.Append("  ]\n}\n");
            return sb.ToString();
        }

        private static string Base64(ReadOnlySpan<float> values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                byte[] b = BitConverter.GetBytes(values[i]);
                if (!BitConverter.IsLittleEndian)
                {
                    Array.Reverse(b);
                }

                Buffer.BlockCopy(b, 0, bytes, 4 * i, 4);
            }

            return Convert.ToBase64String(bytes);
        }
    }
}
