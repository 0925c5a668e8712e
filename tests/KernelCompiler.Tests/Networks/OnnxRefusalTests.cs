using Google.Protobuf;
using Onnx;
using static KernelCompiler.Tests.Networks.OnnxGraphBuilder;

namespace KernelCompiler.Tests.Networks;

/// <summary>One refusal per unsupported form: always <see cref="OnnxImportException"/>, naming the node and op type.</summary>
public class OnnxRefusalTests
{
    /// <summary>x [n, 6] → Gemm fc1 (W1 [6, 5], b1) → h1 → Relu → a1 → Gemm fc2 (W2 [5, 3]) → y.</summary>
    private static OnnxGraphBuilder Chain(int seed = 1) => new OnnxGraphBuilder(seed).Input("x", "n", 6).Output("y", "n", 3)
        .Weights("W1", 6, 5).Weights("b1", 5).Weights("W2", 5, 3);

    private static OnnxImportException Refused(OnnxGraphBuilder g, string location, params string[] fragments)
    {
        var e = Assert.Throws<OnnxImportException>(() => g.Import());
        Assert.Equal(location, e.Location);
        Assert.StartsWith("test.onnx: " + location + ": ", e.Message);
        foreach (string f in fragments) Assert.Contains(f, e.Message);
        return e;
    }

    [Fact]
    public void An_unsupported_op_is_named_with_what_is_supported()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Sigmoid", "h1", "a1", [])
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        var e = Refused(g, "node 'sigmoid1' (Sigmoid)", "op type Sigmoid is not supported", "supported: Gemm");
        Assert.Equal("sigmoid1", e.NodeName);
        Assert.Equal("Sigmoid", e.OpType);
    }

    [Fact]
    public void Conv_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 1, 4, 4).Output("y", "n", 2, 3, 3).Weights("K", 2, 1, 2, 2)
            .Node("Conv", ["x", "K"], ["y"], "conv1");
        Refused(g, "node 'conv1' (Conv)", "op type Conv is not supported");
    }

    [Fact]
    public void MatMul_with_a_non_constant_right_operand_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 6).Weights("W1", 6, 6)
            .Node("MatMul", ["x", "W1"], ["h"], "mm1").Node("MatMul", ["h", "h"], ["y"], "mm2");
        Refused(g, "node 'mm2' (MatMul)", "right operand 'h' is not a constant");
    }

    [Fact]
    public void MatMul_with_a_constant_left_operand_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 6).Weights("W1", 6, 6)
            .Node("MatMul", ["W1", "x"], ["y"], "mm1");
        Refused(g, "node 'mm1' (MatMul)", "right operand");
    }

    [Fact]
    public void Gemm_transA_is_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1", Int("transA", 1)).Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "transA = 1 is not supported");
    }

    [Fact]
    public void Float64_weights_are_refused()
    {
        var g = Chain();
        var w = new TensorProto { Name = "W64", DataType = 11, RawData = ByteString.CopyFrom(new byte[6 * 5 * 8]) };
        w.Dims.Add([6, 5]);
        g.Initializer(w).Node("Gemm", ["x", "W64", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "'W64' is a float64 tensor; only float32");
    }

    [Fact]
    public void A_float64_input_is_refused()
    {
        var g = new OnnxGraphBuilder().Output("y", "n", 3).Weights("W", 6, 3).Node("Gemm", ["x", "W"], ["y"], "fc");
        g.Graph.Input.Add(Value("x", TensorProto.Types.DataType.Double, ["n", 6]));
        Refused(g, "graph input 'x'", "float64", "only float32");
    }

    [Fact]
    public void Two_inputs_are_refused()
    {
        var g = Chain().Input("x2", "n", 6).Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "graph", "2 inputs", "'x', 'x2'", "exactly one input");
    }

    [Fact]
    public void Two_outputs_are_refused()
    {
        var g = Chain().Output("h1", "n", 5).Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "graph", "2 outputs");
    }

    [Fact]
    public void An_output_that_is_not_the_end_of_the_chain_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("h1", "n", 5).Weights("W1", 6, 5).Weights("W2", 5, 3)
            .Node("Gemm", ["x", "W1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'relu1' (Relu)", "reads the graph output 'h1'");
    }

    [Fact]
    public void A_branch_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 5).Weights("W1", 6, 5).Weights("W2", 6, 5)
            .Node("Gemm", ["x", "W1"], ["a"], "left").Node("Gemm", ["x", "W2"], ["b"], "right").Node("Add", ["a", "b"], ["y"], "join");
        Refused(g, "node 'right' (Gemm)", "value 'x' feeds 2 nodes");
    }

    [Fact]
    public void A_residual_DAG_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 6).Weights("W1", 6, 6)
            .Node("Gemm", ["x", "W1"], ["h"], "fc").Node("Add", ["h", "x"], ["y"], "residual");
        Refused(g, "node 'residual' (Add)", "feeds 2 nodes");
    }

    [Fact]
    public void A_side_computation_or_cycle_off_the_chain_is_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2")
            .Node("Relu", "loop_b", "loop_a").Node("Relu", "loop_a", "loop_b");
        Refused(g, "node 'relu3' (Relu)", "not on the chain");
    }

    [Fact]
    public void A_cycle_through_the_chain_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 6).Weights("W1", 6, 6)
            .Node("Gemm", ["x", "W1"], ["h"], "fc").Node("Relu", "h", "x2").Node("Relu", "x2", "h2").Node("Identity", "h2", "y");
        g.Graph.Node[2].Input[0] = "h";
        Refused(g, "node 'relu2' (Relu)", "feeds 2 nodes");
    }

    [Fact]
    public void A_dangling_input_is_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "missing"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "'missing' is produced by no node");
    }

    [Fact]
    public void A_name_produced_twice_is_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "W2").Node("Gemm", ["W2", "W2"], ["y"], "fc2");
        Refused(g, "node 'relu1' (Relu)", "'W2' has the name of another value");
    }

    [Fact]
    public void Layers_whose_shapes_do_not_chain_are_refused()
    {
        var g = Chain().Weights("W3", 4, 3).Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W3"], ["y"], "fc2");
        Refused(g, "node 'fc2' (Gemm)", "'W3' has shape [4, 3]; expected [5, M]");
    }

    [Fact]
    public void A_bias_of_the_wrong_shape_is_refused()
    {
        var g = Chain().Weights("b7", 7).Node("Gemm", ["x", "W1", "b7"], ["h1"], "fc1").Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "'b7' has shape [7]; expected [5]");
    }

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NegativeInfinity, true)]
    public void Non_finite_weights_or_bias_are_refused(float bad, bool inBias)
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 3).Output("y", "n", 2);
        float[] w = g.RandomValues(6), b = g.RandomValues(2);
        (inBias ? b : w)[1] = bad;
        g.Initializer(Floats("W", w, [3, 2])).Initializer(Floats("b", b, [2])).Node("Gemm", ["x", "W", "b"], ["y"], "fc");
        Refused(g, "node 'fc' (Gemm)", inBias ? "bias [1] is" : "weight [0, 1] is", "must be finite");
    }

    [Fact]
    public void Alpha_that_overflows_a_weight_is_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 3).Output("y", "n", 2);
        g.Initializer(Floats("W", [1, 2, 3, 4, 5, 3e38f], [3, 2])).Node("Gemm", ["x", "W"], ["y"], "fc", Float("alpha", 10f));
        Refused(g, "node 'fc' (Gemm)", "weight [2, 1] is", "after any alpha");
    }

    [Fact]
    public void Relu_on_the_input_and_Add_after_Gemm_are_refused()
    {
        var g = Chain().Node("Relu", "x", "r").Node("Gemm", ["r", "W1", "b1"], ["h1"], "fc1").Node("Gemm", ["h1", "W2"], ["y"], "fc2");
        Refused(g, "node 'relu0' (Relu)", "Relu is supported only after a Gemm or MatMul");

        g = Chain().Weights("b5", 5).Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Add", ["h1", "b5"], ["h2"], "extra")
            .Node("Gemm", ["h2", "W2"], ["y"], "fc2");
        Refused(g, "node 'extra' (Add)", "follows Gemm", "right after a MatMul");
    }

    [Fact]
    public void Softmax_that_is_not_last_or_not_over_the_last_axis_is_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Softmax", "h1", "s", Int("axis", -1))
            .Node("Gemm", ["s", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc2' (Gemm)", "follows Softmax");

        g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["l"], "fc2")
            .Node("LogSoftmax", "l", "y", Int("axis", 0));
        Refused(g, "node 'logsoftmax3' (LogSoftmax)", "axis 0");
    }

    [Fact]
    public void Flatten_and_Reshape_that_do_not_give_batch_by_D_are_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 2, 3).Output("y", "n", 2).Weights("W", 6, 2)
            .Node("Flatten", "x", "f", Int("axis", 2)).Node("Gemm", ["f", "W"], ["y"], "fc");
        Refused(g, "node 'flatten0' (Flatten)", "axis 2 is not supported");

        g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 2).Weights("W", 3, 2).Initializer(Int64s("s", [-1, 3]))
            .Node("Reshape", ["x", "s"], ["r"], "reshape").Node("Gemm", ["r", "W"], ["y"], "fc");
        Refused(g, "node 'reshape' (Reshape)", "to [-1, 3]", "[batch, 6]");

        g = new OnnxGraphBuilder().Input("x", "n", 2, 3).Output("y", "n", 2).Weights("W", 3, 2)
            .Node("Gemm", ["x", "W"], ["y"], "fc");
        Refused(g, "node 'fc' (Gemm)", "[batch, 2, 3]", "add a Flatten");
    }

    [Fact]
    public void Dropout_in_training_mode_or_with_its_mask_used_is_refused()
    {
        var g = Chain().Initializer(new TensorProto { Name = "t", DataType = 9, RawData = ByteString.CopyFrom(1) })
            .Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Dropout", ["h1", "", "t"], ["d"], "drop")
            .Node("Gemm", ["d", "W2"], ["y"], "fc2");
        Refused(g, "node 'drop' (Dropout)", "training_mode 't' is not a constant false");

        g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Dropout", ["h1"], ["d", "mask"], "drop")
            .Node("Gemm", ["d", "W2"], ["y"], "fc2").Node("Identity", "mask", "mask2");
        Refused(g, "node 'drop' (Dropout)", "its mask 'mask' is used");
    }

    [Fact]
    public void Unknown_attributes_and_domains_are_refused()
    {
        var g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1", Int("fancy", 1)).Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "attribute 'fancy' is not supported");

        g = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        g.Graph.Node[1].Domain = "com.example";
        Refused(g, "node 'relu1' (Relu)", "domain 'com.example'");
    }

    [Fact]
    public void External_data_is_refused()
    {
        var g = Chain();
        var w = new TensorProto { Name = "Wx", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        w.Dims.Add([6, 5]);
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "/etc/passwd" });
        g.Initializer(w).Node("Gemm", ["x", "Wx", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1").Node("Gemm", ["a1", "W2"], ["y"], "fc2");
        Refused(g, "node 'fc1' (Gemm)", "external data");
    }

    [Fact]
    public void Declared_sizes_beyond_the_data_are_refused()
    {
        var g = Chain();
        var w = new TensorProto { Name = "Wbig", DataType = 1, RawData = ByteString.CopyFrom(new byte[16]) };
        w.Dims.Add([6, 1L << 40]);
        g.Initializer(w).Node("Gemm", ["x", "Wbig"], ["y"], "fc1");
        Refused(g, "node 'fc1' (Gemm)", "outputs; expected 1 to");

        g = Chain();
        w = new TensorProto { Name = "Wshort", DataType = 1, RawData = ByteString.CopyFrom(new byte[16]) };
        w.Dims.Add([6, 3]);
        g.Initializer(w).Node("Gemm", ["x", "Wshort"], ["y"], "fc1");
        Refused(g, "node 'fc1' (Gemm)", "declares 18 values (72 bytes) but holds 16 bytes");
    }

    [Fact]
    public void Graphs_without_layers_or_shapes_are_refused()
    {
        var g = new OnnxGraphBuilder().Input("x", "n", 6).Output("y", "n", 6).Node("Identity", "x", "y");
        Refused(g, "graph", "no Gemm or MatMul");

        g = new OnnxGraphBuilder().Input("x", "n", "d").Output("y", "n", 3).Weights("W", 6, 3).Node("Gemm", ["x", "W"], ["y"], "fc");
        Refused(g, "graph input 'x'", "axis 1 is symbolic 'd'");

        g = new OnnxGraphBuilder().Output("y", "n", 3).Weights("W", 6, 3).Node("Gemm", ["x", "W"], ["y"], "fc");
        g.Graph.Input.Add(new ValueInfoProto { Name = "x", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        Refused(g, "graph input 'x'", "declares no shape");
    }

    [Fact]
    public void Files_that_are_not_ONNX_models_are_refused()
    {
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(new MemoryStream("{\"not\": \"onnx\"}"u8.ToArray()), "t.onnx"));
        Assert.Equal("file", e.Location);
        e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(new MemoryStream([]), "empty.onnx"));
        Assert.Equal("model", e.Location);
        e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import("/nonexistent/model.onnx"));
        Assert.Contains("does not exist", e.Message);
        byte[] good = Chain().Node("Gemm", ["x", "W1", "b1"], ["h1"], "fc1").Node("Relu", "h1", "a1")
            .Node("Gemm", ["a1", "W2"], ["y"], "fc2").ToBytes();
        e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(new MemoryStream(good[..(good.Length / 2)]), "half.onnx"));
        Assert.StartsWith("half.onnx: ", e.Message);
    }
}
