// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using System.Globalization;
using KernelCompiler.IO;

namespace KernelCompiler
{
    /// <summary>
    /// Reads a version-2 network document (docs/model-format.md) and validates it field by field: every error names
    /// the file, the JSON path, the value and what was expected; sizes are checked against the document before
    /// anything is allocated. netstandard2.0-compatible, like <see cref="LutModelReader"/>, so the generator can link it.
    /// </summary>
    internal static class LutNetworkReader
    {
        public const string NetworkKind = "network";

        private static readonly string[] KnownProperties =
        {
            "format", "version", "kind", "name", "producer", "source", "input", "head", "outputTransform", "layers",
        };

        private static readonly string[] DenseProperties =
        {
            "kind", "activation", "inputDimension", "outputDimension", "weights", "bias",
        };

        private static readonly string[] LutProperties = { "kind", "activation", "model" };

        /// <summary>Whether <paramref name="root"/> declares version 1 (a single-layer model document); anything
        /// else is read, and if need be refused, as a network document.</summary>
        public static bool IsVersion1(JsonNode root)
            => root.Kind == JsonKind.Object && root.Property("version") is JsonNode v && v.Kind == JsonKind.Number && v.Text == "1";

        public static LutNetwork Read(JsonNode root, string? file)
        {
            var r = new Fields(file);
            r.Expect(root, JsonKind.Object, "$");
            r.Known(root, "$", KnownProperties, "a network document");
            string format = r.String(root, "format", "$.format");
            if (format != LutModelReader.FormatId)
            {
                throw new LutModelException(file, "$.format", "value \"" + format + "\" is invalid; expected \"" + LutModelReader.FormatId + "\"");
            }

            long version = r.Integer(root, "version", "$.version", long.MinValue, long.MaxValue);
            if (version != LutNetwork.FormatVersion)
            {
                throw new LutModelException(file, "$.version", "version " + version + " is not supported; this library reads version " +
                    LutModel.FormatVersion + " (one layer) and " + LutNetwork.FormatVersion + " (a network)");
            }

            string kind = r.String(root, "kind", "$.kind");
            if (kind != NetworkKind)
            {
                throw new LutModelException(file, "$.kind", "value \"" + kind + "\" is invalid; expected \"" + NetworkKind + "\"");
            }

            string name = r.String(root, "name", "$.name");
            string? producer = root.Property("producer") is null ? null : r.String(root, "producer", "$.producer");
            NetworkSource? source = root.Property("source") is JsonNode sourceNode ? ReadSource(r, sourceNode, file) : null;
            NetworkInput input = ReadInput(r, r.Required(root, "input", "$.input"), file);
            NetworkHead head = NetworkHead.Logits;
            if (root.Property("head") is not null)
            {
                string text = r.String(root, "head", "$.head");
                head = text switch
                {
                    "logits" => NetworkHead.Logits,
                    "argmax" => NetworkHead.ArgMax,
                    _ => throw new LutModelException(file, "$.head", "value \"" + text + "\" is invalid; expected \"logits\" or \"argmax\""),
                };
            }

            NetworkOutputTransform transform = NetworkOutputTransform.None;
            if (root.Property("outputTransform") is not null)
            {
                string text = r.String(root, "outputTransform", "$.outputTransform");
                transform = text switch
                {
                    "none" => NetworkOutputTransform.None,
                    "softmax" => NetworkOutputTransform.Softmax,
                    "logSoftmax" => NetworkOutputTransform.LogSoftmax,
                    _ => throw new LutModelException(file, "$.outputTransform", "value \"" + text +
                        "\" is invalid; expected \"none\", \"softmax\" or \"logSoftmax\""),
                };
            }

            List<JsonNode> items = r.Array(root, "layers", "$.layers");
            if (items.Count < 1 || items.Count > LutNetworkLimits.MaxLayers)
            {
                throw new LutModelException(file, "$.layers", "holds " + items.Count + " layers; expected 1 to " + LutNetworkLimits.MaxLayers);
            }

            var layers = new NetworkLayer[items.Count];
            int width = input.Dimension;
            for (int i = 0; i < items.Count; i++)
            {
                layers[i] = ReadLayer(r, items[i], "$.layers[" + i + "]", file, width, i);
                width = layers[i].OutputDimension;
            }

            LutNetwork.Validate(file, name, producer, input, layers, head, transform);
            return new LutNetwork(name, input, layers, head, transform, producer, source);
        }

        private static NetworkSource ReadSource(Fields r, JsonNode node, string? file)
        {
            r.Expect(node, JsonKind.Object, "$.source");
            r.Known(node, "$.source", new[] { "onnx", "sha256" }, "the source");
            string onnx = r.String(node, "onnx", "$.source.onnx");
            string sha256 = r.String(node, "sha256", "$.source.sha256");
            NetworkSource.Validate(file, onnx, sha256);
            return new NetworkSource(onnx, sha256);
        }

        private static NetworkInput ReadInput(Fields r, JsonNode node, string? file)
        {
            r.Expect(node, JsonKind.Object, "$.input");
            r.Known(node, "$.input", new[] { "name", "batch", "shape" }, "the input");
            string name = r.String(node, "name", "$.input.name");
            string batch = node.Property("batch") is null ? "batch" : r.String(node, "batch", "$.input.batch");
            List<JsonNode> axes = r.Array(node, "shape", "$.input.shape");
            if (axes.Count < 1 || axes.Count > LutNetworkLimits.MaxInputRank)
            {
                throw new LutModelException(file, "$.input.shape", "has " + axes.Count + " axes; expected 1 to " +
                    LutNetworkLimits.MaxInputRank + " (the axes after the batch axis)");
            }

            var shape = new int[axes.Count];
            for (int i = 0; i < shape.Length; i++)
            {
                shape[i] = (int)r.Integer(axes[i], "$.input.shape[" + i + "]", 1, LutModelLimits.MaxInputDimension);
            }

            string? problem = NetworkInput.Check(shape, out _);
            if (problem is not null)
            {
                throw new LutModelException(file, "$.input.shape", problem);
            }

            return new NetworkInput(name, shape, batch);
        }

        private static NetworkLayer ReadLayer(Fields r, JsonNode node, string at, string? file, int width, int index)
        {
            r.Expect(node, JsonKind.Object, at);
            string kind = r.String(node, "kind", at + ".kind");
            LayerActivation activation = LayerActivation.Identity;
            if (node.Property("activation") is not null)
            {
                string text = r.String(node, "activation", at + ".activation");
                activation = text switch
                {
                    "identity" => LayerActivation.Identity,
                    "relu" => LayerActivation.Relu,
                    _ => throw new LutModelException(file, at + ".activation", "value \"" + text + "\" is invalid; expected \"identity\" or \"relu\""),
                };
            }

            if (kind == "lut")
            {
                r.Known(node, at, LutProperties, "a lut layer");
                JsonNode document = r.Required(node, "model", at + ".model");
                LutModel model;
                try
                {
                    model = LutModelReader.Read(document, file);
                }
                catch (LutModelException e)
                {
                    // The model reader names paths from its own root; put them where they stand in this document.
                    throw new LutModelException(file, at + ".model" + e.JsonPath.Substring(1), e.Problem, e);
                }

                return new LutLayer(model, activation);
            }

            if (kind != "dense")
            {
                throw new LutModelException(file, at + ".kind", "value \"" + kind + "\" is invalid; expected \"lut\" or \"dense\"");
            }

            r.Known(node, at, DenseProperties, "a dense layer");
            int d = (int)r.Integer(node, "inputDimension", at + ".inputDimension", 1, LutModelLimits.MaxInputDimension);
            if (d != width)
            {
                throw new LutModelException(file, at + ".inputDimension", "value " + d + " is invalid; expected " + width +
                    (index == 0 ? " (the input's flattened size)" : " (the output dimension of layer " + (index - 1) + ")"));
            }

            int m = (int)r.Integer(node, "outputDimension", at + ".outputDimension", 1, LutModelLimits.MaxOutputDimension);
            if ((long)d * m > LutNetworkLimits.MaxDenseWeights)
            {
                throw new LutModelException(file, at + ".weights", "inputDimension × outputDimension = " + ((long)d * m) +
                    " weights exceeds the limit of " + LutNetworkLimits.MaxDenseWeights);
            }

            float[] weights = r.Base64Floats(node, "weights", at + ".weights", d * m);
            float[] bias = r.Base64Floats(node, "bias", at + ".bias", m);
            return DenseLayer.CreateValidated(d, m, weights, bias, activation);
        }

        private readonly struct Fields
        {
            private readonly string? _file;

            public Fields(string? file) => _file = file;

            public void Expect(JsonNode node, JsonKind kind, string at)
            {
                if (node.Kind != kind)
                {
                    throw new LutModelException(_file, at, "found " + JsonNode.Describe(node.Kind) + "; expected " + JsonNode.Describe(kind));
                }
            }

            public void Known(JsonNode obj, string at, string[] names, string what)
            {
                foreach (KeyValuePair<string, JsonNode> p in obj.Properties!)
                {
                    if (System.Array.IndexOf(names, p.Key) < 0)
                    {
                        throw new LutModelException(_file, at + "." + p.Key, "unknown property; " + what + " has " + string.Join(", ", names));
                    }
                }
            }

            public JsonNode Required(JsonNode obj, string name, string at)
                => obj.Property(name) ?? throw new LutModelException(_file, at, "missing required property");

            public string String(JsonNode obj, string name, string at)
            {
                JsonNode node = Required(obj, name, at);
                Expect(node, JsonKind.String, at);
                return node.Text!;
            }

            public List<JsonNode> Array(JsonNode obj, string name, string at)
            {
                JsonNode node = Required(obj, name, at);
                Expect(node, JsonKind.Array, at);
                return node.Items!;
            }

            public long Integer(JsonNode obj, string name, string at, long min, long max)
                => Integer(Required(obj, name, at), at, min, max);

            public long Integer(JsonNode node, string at, long min, long max)
            {
                Expect(node, JsonKind.Number, at);
                if (!long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                {
                    throw new LutModelException(_file, at, "value " + node.Text + " is invalid; expected an integer");
                }

                if (value < min || value > max)
                {
                    throw new LutModelException(_file, at, "value " + value + " is invalid; expected an integer from " + min + " to " + max);
                }

                return value;
            }

            /// <summary>base64 of <paramref name="count"/> little-endian float32 values, each finite; the text's length
            /// is checked before the values are allocated.</summary>
            public float[] Base64Floats(JsonNode obj, string name, string at, int count)
            {
                JsonNode node = Required(obj, name, at);
                Expect(node, JsonKind.String, at);
                long expectedChars = ((long)count * 4 + 2) / 3 * 4;
                if (node.Text!.Length != expectedChars)
                {
                    throw new LutModelException(_file, at, "has " + node.Text.Length + " characters; expected " + expectedChars +
                        " (base64 of " + count + " little-endian float32 values)");
                }

                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(node.Text);
                }
                catch (FormatException)
                {
                    throw new LutModelException(_file, at, "is not valid base64");
                }

                if (bytes.Length != count * 4)
                {
                    throw new LutModelException(_file, at, "decodes to " + bytes.Length + " bytes; expected " + (count * 4));
                }

                var values = new float[count];
                for (int i = 0; i < count; i++)
                {
                    if (!BitConverter.IsLittleEndian)
                    {
                        System.Array.Reverse(bytes, 4 * i, 4);
                    }

                    values[i] = BitConverter.ToSingle(bytes, 4 * i);
                    if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
                    {
                        throw new LutModelException(_file, at, "value " + i + " is " +
                            values[i].ToString(CultureInfo.InvariantCulture) + "; expected a finite float32");
                    }
                }

                return values;
            }
        }
    }
}
