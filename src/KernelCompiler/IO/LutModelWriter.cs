// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System;
using System.Text;

namespace KernelCompiler.IO
{
    /// <summary>Writes a version-1 model document: one codebook, one output's tables per line, so a diff of two
    /// models reads line by line.</summary>
    internal static class LutModelWriter
    {
        public static string Write(LutModel model)
        {
            var sb = new StringBuilder();
            sb.Append("{\n");
            sb.Append("  \"format\": \"").Append(LutModelReader.FormatId).Append("\",\n");
            sb.Append("  \"version\": ").Append(LutModel.FormatVersion).Append(",\n");
            sb.Append("  \"name\": ").Append(Quote(model.Name)).Append(",\n");
            if (model.Producer is not null)
            {
                sb.Append("  \"producer\": ").Append(Quote(model.Producer)).Append(",\n");
            }

            sb.Append("  \"inputDimension\": ").Append(model.InputDimension).Append(",\n");
            sb.Append("  \"outputDimension\": ").Append(model.OutputDimension).Append(",\n");
            sb.Append("  \"aggregation\": \"").Append(model.Aggregation == LutAggregation.Average ? "average" : "exact").Append("\",\n");
            if (model.WeightsFingerprint is not null)
            {
                sb.Append("  \"weightsFingerprint\": \"").Append(model.WeightsFingerprint).Append("\",\n");
            }

            sb.Append("  \"codebooks\": [\n");
            for (int c = 0; c < model.Codebooks; c++)
            {
                sb.Append("    { \"splitDimensions\": [");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    sb.Append(level == 0 ? "" : ", ").Append(model.SplitDimension(c, level));
                }

                sb.Append("], \"thresholds\": [");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    sb.Append(level == 0 ? "[" : ", [");
                    for (int node = 0; node < 1 << level; node++)
                    {
                        sb.Append(node == 0 ? "" : ", ").Append(FloatText.Format(model.Threshold(c, level, node)));
                    }

                    sb.Append(']');
                }

                sb.Append("] }").Append(c + 1 < model.Codebooks ? ",\n" : "\n");
            }

            sb.Append("  ],\n");
            AppendFloats(sb, "steps", model.Steps);
            AppendFloats(sb, "offsets", model.Offsets);
            sb.Append("  \"tables\": [\n");
            for (int m = 0; m < model.OutputDimension; m++)
            {
                sb.Append("    [");
                for (int c = 0; c < model.Codebooks; c++)
                {
                    sb.Append(c == 0 ? "\"" : ", \"");
                    foreach (byte b in model.Table(m, c))
                    {
                        sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }

                    sb.Append('"');
                }

                sb.Append(m + 1 < model.OutputDimension ? "],\n" : "]\n");
            }

            sb.Append("  ]");
            if (model.HasPrototypes)
            {
                sb.Append(",\n  \"prototypes\": [\n");
                int perCodebook = LutModel.BucketCount * model.InputDimension;
                var bytes = new byte[perCodebook * 4];
                for (int c = 0; c < model.Codebooks; c++)
                {
                    ReadOnlySpan<float> values = model.Prototypes.Slice(c * perCodebook, perCodebook);
                    for (int i = 0; i < perCodebook; i++)
                    {
                        byte[] one = BitConverter.GetBytes(values[i]);
                        if (!BitConverter.IsLittleEndian) Array.Reverse(one);
                        Buffer.BlockCopy(one, 0, bytes, 4 * i, 4);
                    }

                    sb.Append("    \"").Append(Convert.ToBase64String(bytes)).Append(c + 1 < model.Codebooks ? "\",\n" : "\"\n");
                }

                sb.Append("  ]");
            }

            sb.Append("\n}\n");
            return sb.ToString();
        }

        private static void AppendFloats(StringBuilder sb, string name, ReadOnlySpan<float> values)
        {
            sb.Append("  \"").Append(name).Append("\": [");
            for (int i = 0; i < values.Length; i++)
            {
                sb.Append(i == 0 ? "" : ", ").Append(FloatText.Format(values[i]));
            }

            sb.Append("],\n");
        }

        public static string Quote(string text)
        {
            var sb = new StringBuilder(text.Length + 2).Append('"');
            foreach (char ch in text)
            {
                switch (ch)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (ch < ' ') sb.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                        else sb.Append(ch);
                        break;
                }
            }

            return sb.Append('"').ToString();
        }
    }
}
