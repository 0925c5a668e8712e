// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Collections.Generic;

namespace KernelCompiler.IO
{
    internal enum JsonKind
    {
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }

    /// <summary>A parsed JSON value. Numbers keep their text so float32 fields parse straight from decimal, with
    /// one rounding, rather than through a double.</summary>
    internal sealed class JsonNode
    {
        public JsonNode(JsonKind kind, string? text = null)
        {
            Kind = kind;
            Text = text;
        }

        public JsonKind Kind { get; }

        /// <summary>The string's value or the number's literal text.</summary>
        public string? Text { get; }

        public List<JsonNode>? Items { get; set; }

        public List<KeyValuePair<string, JsonNode>>? Properties { get; set; }

        public JsonNode? Property(string name)
        {
            if (Properties is null) return null;
            foreach (KeyValuePair<string, JsonNode> p in Properties)
            {
                if (p.Key == name) return p.Value;
            }

            return null;
        }

        public static string Describe(JsonKind kind) => kind switch
        {
            JsonKind.Object => "an object",
            JsonKind.Array => "an array",
            JsonKind.String => "a string",
            JsonKind.Number => "a number",
            JsonKind.True or JsonKind.False => "a boolean",
            _ => "null",
        };
    }
}
