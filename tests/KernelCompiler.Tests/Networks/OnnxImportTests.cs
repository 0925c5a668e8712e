using Google.Protobuf;
using Onnx;
using static KernelCompiler.Tests.Networks.OnnxGraphBuilder;

namespace KernelCompiler.Tests.Networks;

/// <summary>Every supported graph form, built here, imported, and run against ONNX Runtime.</summary>
public class OnnxImportTests
{
    private const int Rows = 37;

    /// <summary>Imports the graph, runs the exact executor and ONNX Runtime on the same rows and compares.</summary>
    private static LutNetwork AssertMatchesOnnxRuntime(OnnxGraphBuilder g, int[] rowShape, int rows = Rows,
        NetworkOutputTransform transform = NetworkOutputTransform.None)
    {
        LutNetwork network = g.Import();
        Assert.True(network.IsExact);
        Assert.Equal(transform, network.OutputTransform);
        Assert.Equal(rowShape, network.Input.Shape);
        int d = rowShape.Aggregate(1, (a, b) => a * b);
        float[] x = NetworkTestData.Rows(rows * 31 + d, rows, d);
        int m = network.OutputDimension;
        var logits = new float[rows * m];
        NetworkExecutor.CreateExact(network).Multiply(x, logits);
        float[] expected = OnnxRuntimeOracle.Run(g.ToBytes(), x, [rows, .. rowShape]);
        float[] ours = transform switch
        {
            NetworkOutputTransform.Softmax => Normalise(logits, rows, m, log: false),
            NetworkOutputTransform.LogSoftmax => Normalise(logits, rows, m, log: true),
            _ => logits,
        };

        OnnxRuntimeOracle.AssertClose(expected, ours, rows, m);
        var classes = new int[rows];
        NetworkExecutor.CreateExact(network).Predict(x, classes);
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(NetworkExecutor.ArgMax(expected.AsSpan(r * m, m)), classes[r]);
        }

        return network;
    }

    private static float[] Normalise(float[] logits, int rows, int m, bool log)
    {
        var y = new float[logits.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = logits.Skip(r * m).Take(m).Max();
            double sum = logits.Skip(r * m).Take(m).Sum(v => Math.Exp(v - max));
            for (int j = 0; j < m; j++)
            {
                double v = logits[r * m + j] - max;
                y[r * m + j] = (float)(log ? v - Math.Log(sum) : Math.Exp(v) / sum);
            }
        }

        return y;
    }

    [Fact]
    public void Gemm_with_transB_alpha_beta_and_Relu()
    {
        var g = new OnnxGraphBuilder(1).Input("x", "N", 12).Output("y", "N", 4)
            .Weights("W1", 9, 12).Weights("b1", 9).Weights("W2", 9, 4).Weights("b2", 1, 4)
            .Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1", Int("transB", 1))
            .Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2", "b2"], ["y"], "fc2", Float("alpha", 0.5f), Float("beta", 2f), Int("transB", 0));
        LutNetwork network = AssertMatchesOnnxRuntime(g, [12]);
        Assert.Equal([LayerActivation.Relu, LayerActivation.Identity], network.Layers.Select(l => l.Activation));
        Assert.Equal("N", network.Input.BatchName);
        Assert.Equal("test-graph", network.Name);
    }

    [Fact]
    public void Gemm_without_C_and_with_a_scalar_C()
    {
        var g = new OnnxGraphBuilder(2).Input("x", "batch", 6).Output("y", "batch", 3)
            .Weights("W1", 6, 5).Weights("W2", 5, 3).Initializer(Floats("c", [0.25f], []))
            .Node("Gemm", ["x", "W1"], ["h"], "fc1")
            .Node("Gemm", ["h", "W2", "c"], ["y"], "fc2");
        AssertMatchesOnnxRuntime(g, [6]);
    }

    [Fact]
    public void MatMul_plus_Add_in_either_order_and_MatMul_without_bias()
    {
        var g = new OnnxGraphBuilder(3).Input("x", "b", 10).Output("y", "b", 5)
            .Weights("W1", 10, 8).Weights("b1", 8).Weights("W2", 8, 7).Weights("b2", 1, 7).Weights("W3", 7, 5)
            .Node("MatMul", ["x", "W1"], ["m1"], "mm1").Node("Add", ["m1", "b1"], ["h1"], "add1").Node("Relu", "h1", "a1")
            .Node("MatMul", ["a1", "W2"], ["m2"], "mm2").Node("Add", ["b2", "m2"], ["h2"], "add2").Node("Relu", "h2", "a2")
            .Node("MatMul", ["a2", "W3"], ["y"], "mm3");
        LutNetwork network = AssertMatchesOnnxRuntime(g, [10]);
        Assert.Equal(3, network.Layers.Count);
        Assert.All(((DenseLayer)network.Layers[2]).Bias.ToArray(), b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Flatten_of_an_image_input()
    {
        var g = new OnnxGraphBuilder(4).Input("pixels", "batch", 1, 4, 5).Output("y", "batch", 3)
            .Weights("W", 20, 3).Weights("b", 3)
            .Node("Flatten", "pixels", "flat", Int("axis", 1))
            .Node("Gemm", ["flat", "W", "b"], ["y"], "fc");
        LutNetwork network = AssertMatchesOnnxRuntime(g, [1, 4, 5]);
        Assert.Equal(20, network.InputDimension);
        Assert.Equal("pixels", network.Input.Name);
    }

    [Theory]
    [InlineData(-1L, 20L)]
    [InlineData(0L, 20L)]
    [InlineData(0L, -1L)]
    public void Reshape_to_batch_by_D_with_a_Constant_shape(long first, long second)
    {
        var g = new OnnxGraphBuilder(5).Input("x", "n", 2, 10).Output("y", "n", 4)
            .Weights("W", 20, 4).Weights("b", 4)
            .Node("Constant", [], ["shape"], "shape_const", Tensor("value", Int64s("", [first, second])))
            .Node("Reshape", ["x", "shape"], ["flat"], "reshape")
            .Node("Gemm", ["flat", "W", "b"], ["y"], "fc");
        AssertMatchesOnnxRuntime(g, [2, 10]);
    }

    [Fact]
    public void Identity_and_inference_Dropout_pass_values_through()
    {
        var g = new OnnxGraphBuilder(6).Input("x", "n", 8).Output("y", "n", 3)
            .Weights("W1", 8, 6).Weights("b1", 6).Weights("W2", 6, 3)
            .Initializer(Floats("ratio", [0.5f], []))
            .Initializer(new TensorProto { Name = "training", DataType = 9, RawData = ByteString.CopyFrom(0) })
            .Node("Identity", "x", "x1")
            .Node("Gemm", ["x1", "W1", "b1"], ["h1"], "fc1")
            .Node("Dropout", ["h1", "ratio", "training"], ["d1", "mask"], "drop")
            .Node("Relu", "d1", "a1")
            .Node("Dropout", ["a1"], ["d2"], "drop2")
            .Node("MatMul", ["d2", "W2"], ["y"], "mm");
        LutNetwork network = AssertMatchesOnnxRuntime(g, [8]);
        Assert.Equal(LayerActivation.Relu, network.Layers[0].Activation);
    }

    [Theory]
    [InlineData("Softmax", 13L)]
    [InlineData("LogSoftmax", 13L)]
    [InlineData("Softmax", 11L)]
    public void A_trailing_Softmax_or_LogSoftmax_is_recorded_not_applied(string op, long opset)
    {
        var g = new OnnxGraphBuilder(7, opset).Input("x", "n", 6).Output("p", "n", 5)
            .Weights("W", 6, 5).Weights("b", 5)
            .Node("Gemm", ["x", "W", "b"], ["logits"], "fc")
            .Node(op, ["logits"], ["p"], "head", opset >= 13 ? [Int("axis", -1)] : []);
        AssertMatchesOnnxRuntime(g, [6], transform: op == "Softmax" ? NetworkOutputTransform.Softmax : NetworkOutputTransform.LogSoftmax);
    }

    [Fact]
    public void Weights_from_float_data_and_Constant_nodes_and_initializers_listed_as_inputs()
    {
        var g = new OnnxGraphBuilder(8).Input("x", "n", 5).Output("y", "n", 2);
        var w1 = g.RandomValues(5 * 4);
        var b1 = g.RandomValues(4);
        g.Initializer(Floats("W1", w1, [5, 4], raw: false))
            .Node("Constant", [], ["b1"], "b1_const", new AttributeProto
            {
                Name = "value_floats", Type = AttributeProto.Types.AttributeType.Floats, Floats = { b1 },
            })
            .Node("Constant", [], ["W2"], "w2_const", Tensor("value", Floats("", g.RandomValues(8), [4, 2])))
            .Node("MatMul", ["x", "W1"], ["m1"], "mm1").Node("Add", ["m1", "b1"], ["h1"], "add1")
            .Node("MatMul", ["h1", "W2"], ["y"], "mm2");
        // IR version 3 listed every initializer among the graph inputs.
        g.Graph.Input.Add(Value("W1", TensorProto.Types.DataType.Float, [5, 4]));
        g.Model.IrVersion = 3;
        g.Model.OpsetImport[0].Version = 9;
        AssertMatchesOnnxRuntime(g, [5]);
    }

    [Fact]
    public void A_fixed_batch_size_is_recorded_and_any_batch_runs()
    {
        var g = new OnnxGraphBuilder(9).Input("x", 1, 3, 2).Output("y", 1, 2)
            .Weights("W", 6, 2).Weights("b", 2)
            .Initializer(Int64s("shape", [1, 6]))
            .Node("Reshape", ["x", "shape"], ["flat"], "reshape")
            .Node("Gemm", ["flat", "W", "b"], ["y"], "fc");
        LutNetwork network = AssertMatchesOnnxRuntime(g, [3, 2], rows: 1);
        Assert.Equal("1", network.Input.BatchName);
        var many = new float[5 * 2];
        NetworkExecutor.CreateExact(network).Multiply(NetworkTestData.Rows(1, 5, 6), many);
    }

    [Fact]
    public void Import_is_deterministic_and_the_file_round_trips()
    {
        OnnxGraphBuilder Build() => new OnnxGraphBuilder(10).Input("x", "n", 7).Output("y", "n", 3)
            .Weights("W1", 7, 6).Weights("b1", 6).Weights("W2", 6, 3)
            .Node("Gemm", ["x", "W1", "b1"], ["h"], "fc1").Node("Relu", "h", "a").Node("MatMul", ["a", "W2"], ["y"], "mm");
        string first = Build().Import().ToJson();
        Assert.Equal(first, Build().Import().ToJson());
        Assert.Equal(first, LutNetwork.Parse(first).ToJson());

        string path = Path.Combine(Path.GetTempPath(), "import-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            File.WriteAllBytes(path, Build().ToBytes());
            LutNetwork fromFile = OnnxImporter.Import(path);
            // The same network; a file also records where it came from (NetworkSourceTests).
            Assert.Equal(Path.GetFullPath(path), fromFile.Source!.OnnxPath);
            Assert.Equal(first.Replace("test-graph", "x"), fromFile.WithSource(null).ToJson().Replace("test-graph", "x"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
