// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace KernelCompiler.IO
{
    /// <summary>Reads a version-1 model document (docs/model-format.md) and validates it field by field.</summary>
    internal static class LutModelReader
    {
        public const string FormatId = "kernelcompiler-lut";

        private static readonly HashSet<string> KnownProperties = new HashSet<string>(StringComparer.Ordinal)
        {
            "format", "version", "name", "producer", "inputDimension", "outputDimension", "aggregation",
            "codebooks", "steps", "offsets", "tables", "prototypes", "weightsFingerprint",
        };

        public static LutModel ReadFile(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            string text;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    throw new FileNotFoundException(path + ": the file does not exist", path);
                }

                if (info.Length > LutModelLimits.MaxFileBytes)
                {
                    throw new LutModelException(path, "$", "the file has " + info.Length + " bytes; the limit is " +
                        LutModelLimits.MaxFileBytes);
                }

                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is not FileNotFoundException &&
                (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException))
            {
                throw new LutModelException(path, "$", "cannot be read: " + e.Message, e);
            }

            return Read(text, path);
        }

        public static LutModel ReadStream(Stream stream, string? sourceName)
        {
            if (stream is null) throw new ArgumentNullException(nameof(stream));
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > LutModelLimits.MaxFileBytes)
                {
                    throw new LutModelException(sourceName, "$", "the document has more than " + LutModelLimits.MaxFileBytes +
                        " bytes, the limit");
                }

                buffer.Write(chunk, 0, read);
            }

            string text;
            try
            {
                text = new StreamReader(new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length), new System.Text.UTF8Encoding(false, true),
                    detectEncodingFromByteOrderMarks: true).ReadToEnd();
            }
            catch (System.Text.DecoderFallbackException e)
            {
                throw new LutModelException(sourceName, "$", "the document is not valid UTF-8", e);
            }

            return Read(text, sourceName);
        }

        public static LutModel Read(string json, string? file)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            return Read(JsonParser.Parse(json, file), file);
        }

        /// <summary>Reads a parsed version-1 document; paths in errors start at this node ("$").</summary>
        public static LutModel Read(JsonNode root, string? file)
        {
            var r = new Reader(file);
            r.Expect(root, JsonKind.Object, "$");
            // A network file (version 2, with a "kind") read as a model gets a pointer to the right loader.
            if (root.Property("version") is JsonNode v && v.Kind == JsonKind.Number && v.Text == "2" && root.Property("kind") is not null)
            {
                throw new LutModelException(file, "$.version", "version 2 is a network file; load it with LutNetwork.Load " +
                    "or LutFile.Load (LutModel.Load reads single-layer version-1 files)");
            }

            foreach (KeyValuePair<string, JsonNode> p in root.Properties!)
            {
                if (!KnownProperties.Contains(p.Key))
                {
                    throw new LutModelException(file, "$." + p.Key, "unknown property; a version-1 model has " +
                        string.Join(", ", new SortedSet<string>(KnownProperties, StringComparer.Ordinal)));
                }
            }

            string format = r.String(root, "format", "$.format");
            if (format != FormatId)
            {
                throw new LutModelException(file, "$.format", "value \"" + format + "\" is invalid; expected \"" + FormatId + "\"");
            }

            long version = r.Integer(root, "version", "$.version");
            if (version != LutModel.FormatVersion)
            {
                throw new LutModelException(file, "$.version", "version " + version + " is not supported; this library reads version " +
                    LutModel.FormatVersion);
            }

            string name = r.String(root, "name", "$.name");
            string? producer = root.Property("producer") is null ? null : r.String(root, "producer", "$.producer");
            int d = (int)r.Integer(root, "inputDimension", "$.inputDimension", 1, LutModelLimits.MaxInputDimension);
            int m = (int)r.Integer(root, "outputDimension", "$.outputDimension", 1, LutModelLimits.MaxOutputDimension);
            LutAggregation aggregation = LutAggregation.Exact;
            if (root.Property("aggregation") is not null)
            {
                string text = r.String(root, "aggregation", "$.aggregation");
                aggregation = text switch
                {
                    "exact" => LutAggregation.Exact,
                    "average" => LutAggregation.Average,
                    _ => throw new LutModelException(file, "$.aggregation", "value \"" + text + "\" is invalid; expected \"exact\" or \"average\""),
                };
            }

            List<JsonNode> codebooks = r.Array(root, "codebooks", "$.codebooks");
            int c = codebooks.Count;
            LutModelValidator.ValidateDimensions(file, d, m, c);
            LutModelValidator.ValidateAggregation(file, aggregation, c);

            var splits = new int[c * LutModel.TreeDepth];
            var thresholds = new float[c * LutModel.ThresholdsPerCodebook];
            for (int i = 0; i < c; i++)
            {
                string at = "$.codebooks[" + i + "]";
                JsonNode book = codebooks[i];
                r.Expect(book, JsonKind.Object, at);
                foreach (KeyValuePair<string, JsonNode> p in book.Properties!)
                {
                    if (p.Key != "splitDimensions" && p.Key != "thresholds")
                    {
                        throw new LutModelException(file, at + "." + p.Key, "unknown property; a codebook has splitDimensions and thresholds");
                    }
                }

                List<JsonNode> dims = r.Array(book, "splitDimensions", at + ".splitDimensions", LutModel.TreeDepth);
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    splits[i * LutModel.TreeDepth + level] = (int)r.Integer(dims[level], at + ".splitDimensions[" + level + "]", 0, d - 1,
                        " (a column index; inputDimension is " + d + ")");
                }

                List<JsonNode> levels = r.Array(book, "thresholds", at + ".thresholds", LutModel.TreeDepth);
                for (int level = 0, k = 0; level < LutModel.TreeDepth; level++)
                {
                    string levelAt = at + ".thresholds[" + level + "]";
                    r.Expect(levels[level], JsonKind.Array, levelAt);
                    r.Count(levels[level].Items!, 1 << level, levelAt);
                    for (int node = 0; node < 1 << level; node++, k++)
                    {
                        thresholds[i * LutModel.ThresholdsPerCodebook + k] = r.Float(levels[level].Items![node], levelAt + "[" + node + "]");
                    }
                }
            }

            float[] steps = r.Floats(root, "steps", "$.steps", m);
            float[] offsets = r.Floats(root, "offsets", "$.offsets", m);

            // Check the shape of every row before allocating M × C × 16 bytes: the size must be backed by the document.
            List<JsonNode> outputs = r.Array(root, "tables", "$.tables", m);
            for (int o = 0; o < m; o++)
            {
                string at = "$.tables[" + o + "]";
                r.Expect(outputs[o], JsonKind.Array, at);
                r.Count(outputs[o].Items!, c, at);
            }

            var tables = new byte[(long)m * c * LutModel.BucketCount];
            for (int o = 0; o < m; o++)
            {
                string at = "$.tables[" + o + "]";
                for (int i = 0; i < c; i++)
                {
                    r.Hex(outputs[o].Items![i], at + "[" + i + "]", tables, (o * c + i) * LutModel.BucketCount);
                }
            }

            float[]? prototypes = null;
            if (root.Property("prototypes") is not null)
            {
                if ((long)c * LutModel.BucketCount * d > LutModelLimits.MaxPrototypeValues)
                {
                    throw new LutModelException(file, "$.prototypes", "codebooks × 16 × inputDimension = " +
                        ((long)c * LutModel.BucketCount * d) + " values exceeds the limit of " + LutModelLimits.MaxPrototypeValues);
                }

                List<JsonNode> books = r.Array(root, "prototypes", "$.prototypes", c);
                for (int i = 0; i < c; i++)
                {
                    // Lengths first, so the C × 16 × D floats are allocated only when the document holds them.
                    r.Base64Length(books[i], "$.prototypes[" + i + "]", LutModel.BucketCount * d);
                }

                prototypes = new float[c * LutModel.BucketCount * d];
                for (int i = 0; i < c; i++)
                {
                    r.Base64Floats(books[i], "$.prototypes[" + i + "]", prototypes, i * LutModel.BucketCount * d, LutModel.BucketCount * d);
                }
            }

            string? fingerprint = null;
            if (root.Property("weightsFingerprint") is not null)
            {
                fingerprint = r.String(root, "weightsFingerprint", "$.weightsFingerprint");
                LutModelValidator.ValidateWeightsFingerprint(file, fingerprint);
            }

            LutModelValidator.Validate(file, d, m, c, splits, thresholds, tables, steps, offsets, aggregation, prototypes, name, producer);
            return LutModel.CreateValidated(d, m, splits, thresholds, tables, steps, offsets, aggregation, prototypes, name,
                producer, fingerprint);
        }

        private readonly struct Reader
        {
            private readonly string? _file;

            public Reader(string? file) => _file = file;

            public void Expect(JsonNode node, JsonKind kind, string at)
            {
                if (node.Kind != kind)
                {
                    throw new LutModelException(_file, at, "found " + JsonNode.Describe(node.Kind) + "; expected " + JsonNode.Describe(kind));
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

            public long Integer(JsonNode obj, string name, string at, long min = long.MinValue, long max = long.MaxValue)
                => Integer(Required(obj, name, at), at, min, max, "");

            public long Integer(JsonNode node, string at, long min, long max, string note)
            {
                Expect(node, JsonKind.Number, at);
                if (!long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                {
                    throw new LutModelException(_file, at, "value " + node.Text + " is invalid; expected an integer");
                }

                if (value < min || value > max)
                {
                    throw new LutModelException(_file, at, "value " + value + " is invalid; expected an integer from " + min + " to " + max + note);
                }

                return value;
            }

            public float Float(JsonNode node, string at)
            {
                Expect(node, JsonKind.Number, at);
                if (!FloatText.TryParse(node.Text!, out float value) || !LutModelValidator.IsFinite(value))
                {
                    throw new LutModelException(_file, at, "value " + node.Text + " is invalid; expected a finite float32");
                }

                return value;
            }

            public List<JsonNode> Array(JsonNode obj, string name, string at, int count = -1)
            {
                JsonNode node = Required(obj, name, at);
                Expect(node, JsonKind.Array, at);
                if (count >= 0) Count(node.Items!, count, at);
                return node.Items!;
            }

            public void Count(List<JsonNode> items, int count, string at)
            {
                if (items.Count != count)
                {
                    throw new LutModelException(_file, at, "has " + items.Count + " entries; expected " + count);
                }
            }

            public float[] Floats(JsonNode obj, string name, string at, int count)
            {
                List<JsonNode> items = Array(obj, name, at, count);
                var values = new float[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = Float(items[i], at + "[" + i + "]");
                }

                return values;
            }

            public void Hex(JsonNode node, string at, byte[] destination, int offset)
            {
                Expect(node, JsonKind.String, at);
                string text = node.Text!;
                if (text.Length != 2 * LutModel.BucketCount)
                {
                    throw new LutModelException(_file, at, "has " + text.Length + " characters; expected 32 hex digits (16 table entries)");
                }

                for (int k = 0; k < LutModel.BucketCount; k++)
                {
                    int hi = HexValue(text[2 * k]), lo = HexValue(text[2 * k + 1]);
                    if (hi < 0 || lo < 0)
                    {
                        throw new LutModelException(_file, at, "entry " + k + " (\"" + text.Substring(2 * k, 2) + "\") is not two hex digits");
                    }

                    destination[offset + k] = (byte)(hi * 16 + lo);
                }
            }

            public void Base64Length(JsonNode node, string at, int count)
            {
                Expect(node, JsonKind.String, at);
                long expectedChars = ((long)count * 4 + 2) / 3 * 4;
                if (node.Text!.Length != expectedChars)
                {
                    throw new LutModelException(_file, at, "has " + node.Text.Length + " characters; expected " + expectedChars +
                        " (base64 of " + count + " little-endian float32 values)");
                }
            }

            public void Base64Floats(JsonNode node, string at, float[] destination, int offset, int count)
            {
                Base64Length(node, at, count);

                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(node.Text!);
                }
                catch (FormatException)
                {
                    throw new LutModelException(_file, at, "is not valid base64");
                }

                if (bytes.Length != count * 4)
                {
                    throw new LutModelException(_file, at, "decodes to " + bytes.Length + " bytes; expected " + (count * 4));
                }

                if (!BitConverter.IsLittleEndian)
                {
                    for (int i = 0; i < bytes.Length; i += 4)
                    {
                        System.Array.Reverse(bytes, i, 4);
                    }
                }

                for (int i = 0; i < count; i++)
                {
                    destination[offset + i] = BitConverter.ToSingle(bytes, 4 * i);
                }
            }

            private static int HexValue(char ch)
                => ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        }
    }
}
