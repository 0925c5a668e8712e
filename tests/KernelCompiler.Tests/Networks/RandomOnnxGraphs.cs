using Google.Protobuf;
using Onnx;
using static KernelCompiler.Tests.Networks.OnnxGraphBuilder;

namespace KernelCompiler.Tests.Networks;

/// <summary>Seeded random ONNX chains in the supported forms: the seeds of the importer fuzzers.</summary>
internal static class RandomOnnxGraphs
{
    public static OnnxGraphBuilder Create(int seed)
    {
        var random = new Random(seed);
        var g = new OnnxGraphBuilder(seed, opset: 13);
        int[] rowShape = random.Next(3) switch
        {
            0 => [random.Next(1, 9)],
            1 => [1, random.Next(1, 4), random.Next(1, 4)],
            _ => [random.Next(1, 4), random.Next(1, 5)],
        };
        object batch = random.Next(4) == 0 ? 1 : random.Next(2) == 0 ? "N" : "batch_size";
        g.Input("x", [batch, .. rowShape.Cast<object>()]);
        string current = "x";
        int width = rowShape.Aggregate(1, (a, b) => a * b);
        if (rowShape.Length > 1)
        {
            if (random.Next(2) == 0)
            {
                g.Node("Flatten", current, "flat", Int("axis", 1));
            }
            else
            {
                g.Initializer(Int64s("shape", [random.Next(2) == 0 ? -1 : 0, width]));
                g.Node("Reshape", [current, "shape"], ["flat"], "reshape");
            }

            current = "flat";
        }

        int layers = random.Next(1, 4);
        for (int i = 0; i < layers; i++)
        {
            int m = random.Next(1, 8);
            string w = "W" + i, b = "b" + i, h = "h" + i;
            switch (random.Next(3))
            {
                case 0:
                    bool transB = random.Next(2) == 0;
                    g.Weights(w, transB ? [m, width] : [width, m]).Weights(b, m);
                    g.Node("Gemm", [current, w, b], [h], "fc" + i, Int("transB", transB ? 1 : 0),
                        Float("alpha", random.Next(2) == 0 ? 1f : 0.5f), Float("beta", random.Next(2) == 0 ? 1f : 2f));
                    break;
                case 1:
                    g.Weights(w, width, m).Weights(b, 1, m);
                    g.Node("MatMul", [current, w], [h + "m"], "mm" + i).Node("Add", [h + "m", b], [h], "add" + i);
                    break;
                default:
                    g.Weights(w, width, m);
                    g.Node("MatMul", [current, w], [h], "mm" + i);
                    break;
            }

            current = h;
            if (i + 1 < layers || random.Next(3) == 0)
            {
                g.Node("Relu", current, current + "r");
                current += "r";
            }

            if (random.Next(4) == 0)
            {
                g.Node(random.Next(2) == 0 ? "Identity" : "Dropout", current, current + "i");
                current += "i";
            }

            width = m;
        }

        int transform = random.Next(3);
        if (transform > 0)
        {
            g.Node(transform == 1 ? "Softmax" : "LogSoftmax", current, "y", Int("axis", -1));
        }
        else
        {
            g.Node("Identity", current, "y");
        }

        g.Output("y", batch, width);
        return g;
    }

    /// <summary>Rows for the graph's input: N × D floats and the ONNX input shape.</summary>
    public static (float[] X, int[] Shape) Rows(LutNetwork network, int rows, int seed)
        => (NetworkTestData.Rows(seed, rows, network.InputDimension), [rows, .. network.Input.Shape]);

    /// <summary>One structural edit of a valid model, the kind a careless or hostile exporter makes.</summary>
    public static void Mutate(ModelProto model, int kind, int a, int b, float value)
    {
        GraphProto g = model.Graph;
        int nodes = g.Node.Count, inits = g.Initializer.Count;
        NodeProto? node = nodes > 0 ? g.Node[(int)((uint)a % (uint)nodes)] : null;
        TensorProto? init = inits > 0 ? g.Initializer[(int)((uint)a % (uint)inits)] : null;
        string[] ops = ["Gemm", "MatMul", "Add", "Relu", "Flatten", "Reshape", "Identity", "Dropout", "Softmax", "LogSoftmax",
            "Sigmoid", "Conv", "Constant", "Mul", "Sub", "Tanh", "Transpose", "", "If", "Loop"];
        switch (kind)
        {
            case 0 when node is not null: node.OpType = ops[(uint)b % (uint)ops.Length]; break;
            case 1 when node is not null && node.Input.Count > 0: node.Input[(int)((uint)b % (uint)node.Input.Count)] = NameOf(g, b); break;
            case 2 when node is not null && node.Output.Count > 0: node.Output[0] = NameOf(g, b); break;
            case 3 when node is not null: g.Node.Remove(node); break;
            case 4 when node is not null: g.Node.Add(node.Clone()); break;
            case 5 when nodes > 1: { var n = g.Node[0]; g.Node.RemoveAt(0); g.Node.Insert((int)((uint)b % (uint)g.Node.Count), n); break; }
            case 6 when init is not null && init.Dims.Count > 0:
                init.Dims[(int)((uint)b % (uint)init.Dims.Count)] = new long[] { 0, -1, 1L << 31, 1L << 40, long.MaxValue, 3, 1 }[(uint)b % 7];
                break;
            case 7 when init is not null: init.DataType = (int)((uint)b % 17); break;
            case 8 when init is not null:
                init.DataLocation = TensorProto.Types.DataLocation.External;
                init.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
                break;
            case 9 when init is not null && init.RawData.Length >= 4:
            {
                byte[] raw = init.RawData.ToByteArray();
                BitConverter.GetBytes(value).CopyTo(raw, (int)((uint)b % (uint)(raw.Length / 4)) * 4);
                init.RawData = ByteString.CopyFrom(raw);
                break;
            }

            case 10 when init is not null:
            {
                byte[] raw = init.RawData.ToByteArray();
                init.RawData = ByteString.CopyFrom(raw.AsSpan(0, (int)((uint)b % (uint)(raw.Length + 1))).ToArray());
                break;
            }

            case 11 when node is not null:
                node.Attribute.Add(new AttributeProto
                {
                    Name = new[] { "axis", "transA", "transB", "alpha", "beta", "allowzero", "training_mode", "x" }[(uint)b % 8],
                    Type = AttributeProto.Types.AttributeType.Int,
                    I = (b % 5) - 2,
                    F = value,
                });
                break;
            case 12: g.Input.Add(Value("extra" + b, TensorProto.Types.DataType.Float, ["n", 3])); break;
            case 13: g.Output.Add(Value(NameOf(g, b), TensorProto.Types.DataType.Float, ["n", 3])); break;
            case 14 when g.Input.Count > 0:
                g.Input[0].Type.TensorType.Shape.Dim[(int)((uint)b % (uint)g.Input[0].Type.TensorType.Shape.Dim.Count)] =
                    b % 2 == 0 ? new TensorShapeProto.Types.Dimension { DimParam = "s" } : new TensorShapeProto.Types.Dimension { DimValue = (b % 7) - 2 };
                break;
            case 15 when g.Input.Count > 0: g.Input[0].Type.TensorType.ElemType = (int)((uint)b % 17); break;
            case 16 when node is not null: node.Domain = b % 2 == 0 ? "com.microsoft" : "ai.onnx"; break;
            case 17 when init is not null: init.Name = NameOf(g, b); break;
            case 18 when node is not null && node.Input.Count > 0 && node.Output.Count > 0: node.Input[0] = node.Output[0]; break;
            case 19 when node is not null && node.Attribute.Count > 0:
                node.Attribute[(int)((uint)b % (uint)node.Attribute.Count)].F = value;
                node.Attribute[(int)((uint)b % (uint)node.Attribute.Count)].I = (b % 5) - 2;
                break;
            default: break;
        }
    }

    private static string NameOf(GraphProto g, int b)
    {
        var names = g.Node.SelectMany(n => n.Input.Concat(n.Output)).Concat(g.Initializer.Select(i => i.Name))
            .Concat(g.Input.Select(i => i.Name)).Append("nowhere").Append("").ToArray();
        return names[(uint)b % (uint)names.Length];
    }
}
