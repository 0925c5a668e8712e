using Google.Protobuf;
using Onnx;

namespace KernelCompiler.Tests.Networks;

/// <summary>Builds small ONNX models in tests with OnnxSharp's generated types.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Random _random;

    public OnnxGraphBuilder(int seed = 1, long opset = 13)
    {
        _random = new Random(seed);
        Model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "tests",
            ProducerVersion = "1",
            Graph = new GraphProto { Name = "test-graph" },
        };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public ModelProto Model { get; }

    public GraphProto Graph => Model.Graph;

    /// <summary>dims: a string is a symbolic axis, a number a fixed one.</summary>
    public OnnxGraphBuilder Input(string name, params object[] dims)
    {
        Graph.Input.Add(Value(name, TensorProto.Types.DataType.Float, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string name, params object[] dims)
    {
        Graph.Output.Add(Value(name, TensorProto.Types.DataType.Float, dims));
        return this;
    }

    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
        {
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public float[] RandomValues(long count, float scale = 0.3f)
    {
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(_random.NextDouble() * 2 - 1) * scale;
        return v;
    }

    public static TensorProto Floats(string name, float[] values, long[] dims, bool raw = true)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(dims);
        if (raw) t.RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray());
        else t.FloatData.Add(values);
        return t;
    }

    public static TensorProto Int64s(string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(values.Length);
        t.Int64Data.Add(values);
        return t;
    }

    public OnnxGraphBuilder Initializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>A random float32 initializer of the given shape.</summary>
    public OnnxGraphBuilder Weights(string name, params long[] dims)
        => Initializer(Floats(name, RandomValues(dims.Aggregate(1L, (a, b) => a * b)), dims, raw: dims.Length != 1));

    public OnnxGraphBuilder Node(string op, string[] inputs, string[] outputs, string? name = null, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name ?? op.ToLowerInvariant() + Graph.Node.Count };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
        return this;
    }

    public OnnxGraphBuilder Node(string op, string input, string output, params AttributeProto[] attributes)
        => Node(op, [input], [output], null, attributes);

    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Tensor(string name, TensorProto value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    public byte[] ToBytes() => Model.ToByteArray();

    public LutNetwork Import() => OnnxImporter.Import(new MemoryStream(ToBytes()), "test.onnx");
}
