using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using KernelCompiler.Calibration;
using KernelCompiler.IO;
using Onnx;

namespace KernelCompiler.Cli.Tests;

/// <summary><c>kernelc import</c> and the verbs on network files, on a small ONNX network built here: image input
/// [batch, 1, 4, 4] → Flatten → Gemm 16→12 → Relu → Gemm 12→3.</summary>
public sealed class NetworkCommandTests : IDisposable
{
    private const int Rows = 600;
    private readonly TempDirectory _dir = new();
    private readonly string _onnx, _x, _xFlat, _labels;
    private readonly ModelProto _model;
    private readonly float[] _rows;

    public NetworkCommandTests()
    {
        var random = new Random(7);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.5f).ToArray();
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Value("image", "batch", 1, 4, 4));
        graph.Output.Add(Value("logits", "batch", 3));
        graph.Initializer.Add(Tensor("w1", Values(12 * 16), 12, 16));
        graph.Initializer.Add(Tensor("b1", Values(12), 12));
        graph.Initializer.Add(Tensor("w2", Values(3 * 12), 3, 12));
        graph.Initializer.Add(Tensor("b2", Values(3), 3));
        graph.Node.Add(Node("Flatten", ["image"], ["flat"]));
        graph.Node.Add(Node("Gemm", ["flat", "w1", "b1"], ["h"], new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        graph.Node.Add(Node("Relu", ["h"], ["r"]));
        graph.Node.Add(Node("Gemm", ["r", "w2", "b2"], ["logits"], new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        var model = new ModelProto { IrVersion = 8, ProducerName = "tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        _model = model;
        _onnx = _dir.File("tiny.onnx");
        File.WriteAllBytes(_onnx, model.ToByteArray());

        // Rows near a few centres, so a few codebooks suffice; labels are the exact network's classes.
        var centres = Values(6 * 16);
        _rows = new float[Rows * 16];
        for (int n = 0; n < Rows; n++)
        {
            int c = random.Next(6);
            for (int j = 0; j < 16; j++) _rows[n * 16 + j] = centres[c * 16 + j] * 4 + (float)(random.NextDouble() - 0.5) * 0.3f;
        }

        _x = _dir.File("x.npy");
        File.WriteAllBytes(_x, NpyBytes.Build("<f4", [Rows, 1, 4, 4], _rows.SelectMany(BitConverter.GetBytes).ToArray()));
        _xFlat = _dir.File("x-flat.npy");
        File.WriteAllBytes(_xFlat, NpyBytes.Build("<f4", [Rows, 16], _rows.SelectMany(BitConverter.GetBytes).ToArray()));
        var labels = new int[Rows];
        NetworkExecutor.CreateExact(OnnxImporter.Import(_onnx)).Predict(_rows, labels);
        _labels = _dir.File("y.npy");
        File.WriteAllBytes(_labels, NpyBytes.Build("<i4", [Rows], labels.SelectMany(BitConverter.GetBytes).ToArray()));
    }

    public void Dispose() => _dir.Dispose();

    private static ValueInfoProto Value(string name, string batch, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Tensor(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        return t;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    [Fact]
    public void Import_then_eval_predict_info_and_show_on_the_network()
    {
        string net = _dir.File("tiny.lut.json");
        KernelcResult import = Kernelc.Run("import", "--onnx", _onnx, "--calibration", _x, "--labels", _labels,
            "--codebooks", "4", "--json", "--output", net);
        Assert.Equal(0, import.ExitCode);
        Assert.Equal("", import.Error);
        using (JsonDocument doc = JsonDocument.Parse(import.Output))
        {
            JsonElement root = doc.RootElement;
            Assert.Equal("fixed", root.GetProperty("criterion").GetString());
            Assert.Equal(2, root.GetProperty("layers").GetArrayLength());
            Assert.Equal(4, root.GetProperty("layers")[0].GetProperty("codebooks").GetInt32());
            Assert.Equal(4, root.GetProperty("layers")[1].GetProperty("codebooks").GetInt32());
            Assert.Equal(4L * 12 + 4 * 3, root.GetProperty("lookupsPerRow").GetInt64());
            Assert.Equal(16L * 12 + 12 * 3, root.GetProperty("exactCost").GetInt64());
        }

        LutNetwork network = LutNetwork.Load(net);
        Assert.All(network.Layers, l => Assert.IsType<LutLayer>(l));

        // The library call the command stands for gives the same network.
        LutNetwork expected = NetworkCalibrator.Calibrate(OnnxImporter.Import(_onnx), _rows,
            NpyFile.Read(_labels).ToInt32(), new NetworkCalibrationOptions { Codebooks = 4, Producer = network.Producer }).Network;
        Assert.Equal(expected.ToJson(), network.ToJson());

        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _xFlat, "--labels", _labels, "--exact", _onnx,
            "--backend", "emitted", "--json");
        Assert.Equal(0, eval.ExitCode);
        using (JsonDocument doc = JsonDocument.Parse(eval.Output))
        {
            JsonElement root = doc.RootElement;
            Assert.Equal(Rows, root.GetProperty("rows").GetInt32());
            Assert.Equal(1.0, root.GetProperty("exactAccuracy").GetDouble());
            Assert.True(root.GetProperty("accuracy").GetDouble() > 0.8, eval.Output);
            Assert.True(root.GetProperty("nmse").GetDouble() < 0.2, eval.Output);
            Assert.Equal("emitted", root.GetProperty("backend").GetString());
        }

        string y = _dir.File("y-out.npy");
        KernelcResult predict = Kernelc.Run("predict", "--model", net, "--input", _x, "--backend", "generic", "--output", y);
        Assert.Equal(0, predict.ExitCode);
        var reference = new float[Rows * 3];
        NetworkExecutor.CreateReference(network).Multiply(_rows, reference);
        Assert.Equal(reference, NpyFile.Read(y).ToSingle());

        KernelcResult info = Kernelc.Run("info", "--model", net);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("16 × 12 LUT C = 4, relu", info.Output);
        Assert.Contains("'image' [batch, 1, 4, 4], D = 16", info.Output);

        KernelcResult show = Kernelc.Run("show", net);
        Assert.Equal(0, show.ExitCode);
        // The network kernel as the generator writes it: one class, folded thresholds with their floats.
        Assert.Contains("public static partial class GeneratedKernel", show.Output);
        Assert.Contains("MADDNESS network kernel", show.Output);
        Assert.Matches(@"-?\d+ /\* t = [^ ]+ \*/, ", show.Output);
    }

    [Fact]
    public void Per_layer_codebooks_and_exact_layers_reach_the_network()
    {
        string net = _dir.File("mixed.lut.json");
        KernelcResult import = Kernelc.Run("import", "--onnx", _onnx, "--calibration", _xFlat, "--codebooks", "0,2", "--output", net);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("calibration rows (in-sample)", import.Output);
        LutNetwork network = LutNetwork.Load(net);
        Assert.IsType<DenseLayer>(network.Layers[0]);
        Assert.Equal(2, Assert.IsType<LutLayer>(network.Layers[1]).Model.Codebooks);
    }

    [Fact]
    public void Automatic_choice_prints_what_it_chose_and_why()
    {
        string net = _dir.File("auto.lut.json");
        KernelcResult import = Kernelc.Run("import", "--onnx", _onnx, "--calibration", _x, "--labels", _labels,
            "--max-accuracy-loss", "0.05", "--exact-layers", "1", "--output", net);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("held-back calibration rows", import.Output);
        Assert.Contains("layer 1      kept exact as asked", import.Output);
        Assert.Contains("cheapest candidate within its allowance", import.Output);
        LutNetwork network = LutNetwork.Load(net);
        Assert.IsType<LutLayer>(network.Layers[0]);
        Assert.IsType<DenseLayer>(network.Layers[1]);
    }

    [Theory]
    [InlineData("--max-nmse", "0.1", "--codebooks", "4", "exclude one another")]
    [InlineData("--max-accuracy-loss", "2", null, null, "expected a fraction from 0 to 1")]
    [InlineData("--exact-layers", "0,x", null, null, "invalid value '0,x' for --exact-layers")]
    [InlineData("--exact-layers", "5", null, null, "--exact-layers names layer 5")]
    [InlineData("--codebooks", "4,4,4", null, null, "--codebooks lists 3 counts but")]
    [InlineData("--codebooks", "0", null, null, "invalid value '0' for --codebooks")]
    public void Bad_command_lines_are_one_line_and_exit_2(string option, string value, string? option2, string? value2, string message)
    {
        var args = new List<string> { "import", "--onnx", _onnx, "--calibration", _x, "--output", _dir.File("o.lut.json"), option, value };
        if (option2 is not null) args.AddRange([option2, value2!]);
        KernelcResult result = Kernelc.Run(args.ToArray());
        Assert.Equal(2, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(_dir.File("o.lut.json")));
    }

    [Fact]
    public void Bad_data_is_one_line_and_exit_1()
    {
        string wrongShape = _dir.File("wrong.npy");
        File.WriteAllBytes(wrongShape, NpyBytes.Build("<f4", [2, 15], new byte[2 * 15 * 4]));
        KernelcResult shape = Kernelc.Run("import", "--onnx", _onnx, "--calibration", wrongShape, "--output", _dir.File("o.lut.json"));
        Assert.Equal(1, shape.ExitCode);
        Assert.Single(shape.ErrorLines);
        Assert.Contains("expected [N, 16] or [N, 1, 4, 4]", shape.Error);

        string notOnnx = _dir.File("bad.onnx");
        File.WriteAllBytes(notOnnx, [1, 2, 3, 4, 5]);
        KernelcResult onnx = Kernelc.Run("import", "--onnx", notOnnx, "--calibration", _x, "--output", _dir.File("o.lut.json"));
        Assert.Equal(1, onnx.ExitCode);
        Assert.Single(onnx.ErrorLines);
        Assert.StartsWith("kernelc: error: ", onnx.Error);

        string net = _dir.File("n.lut.json");
        Assert.Equal(0, Kernelc.Run("import", "--onnx", _onnx, "--calibration", _x, "--codebooks", "2", "--output", net).ExitCode);
        File.WriteAllText(net, File.ReadAllText(net).Replace("\"layers\"", "\"layerz\""));
        foreach (string[] args in new[] { new[] { "info", "--model", net }, ["eval", "--model", net, "--input", _x],
            ["predict", "--model", net, "--input", _x, "--output", _dir.File("p.npy")], ["show", net] })
        {
            KernelcResult broken = Kernelc.Run(args);
            Assert.Equal(1, broken.ExitCode);
            Assert.Single(broken.ErrorLines);
            Assert.Contains("n.lut.json: $.", broken.Error);
        }

        KernelcResult missingWeights = Kernelc.Run("eval", "--model", _dir.File("none.lut.json"), "--input", _x);
        Assert.Equal(1, missingWeights.ExitCode);
        Assert.Single(missingWeights.ErrorLines);
    }

    // import without --exact afterwards: the network file records tiny.onnx (relative, it lies beside it) and its SHA-256.
    private string ImportRecorded(string name)
    {
        string net = _dir.File(name);
        KernelcResult import = Kernelc.Run("import", "--onnx", _onnx, "--calibration", _x, "--labels", _labels,
            "--codebooks", "4", "--output", net);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("\"source\": { \"onnx\": \"tiny.onnx\", \"sha256\": \"", File.ReadAllText(net));
        return net;
    }

    private static JsonElement EvalJson(KernelcResult eval)
    {
        Assert.Equal(0, eval.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(eval.Output);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Eval_without_exact_compares_with_the_recorded_onnx_file()
    {
        string net = ImportRecorded("rec.lut.json");
        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--json");
        Assert.Equal("", eval.Error);
        JsonElement root = EvalJson(eval);
        Assert.Equal(Rows, root.GetProperty("rows").GetInt32());
        Assert.Equal(1.0, root.GetProperty("exactAccuracy").GetDouble());
        Assert.True(root.GetProperty("accuracy").GetDouble() > 0.8, eval.Output);
        Assert.InRange(root.GetProperty("nmse").GetDouble(), 1e-9, 0.2);
        Assert.Equal(Path.GetFullPath(_onnx), root.GetProperty("exact").GetString());
        Assert.Equal("recorded", root.GetProperty("exactFrom").GetString());

        // The same figures as with --exact, which reports where it came from.
        JsonElement given = EvalJson(Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--exact", _onnx, "--json"));
        Assert.Equal(root.GetProperty("nmse").GetDouble(), given.GetProperty("nmse").GetDouble());
        Assert.Equal(root.GetProperty("accuracy").GetDouble(), given.GetProperty("accuracy").GetDouble());
        Assert.Equal("option", given.GetProperty("exactFrom").GetString());

        KernelcResult human = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels);
        Assert.Equal(0, human.ExitCode);
        Assert.Equal("", human.Error);
        Assert.Contains("exact     " + Path.GetFullPath(_onnx) + " (recorded at import; its SHA-256 matches)", human.Output);
        Assert.Contains("approximate, 100.00% exact", human.Output);

        KernelcResult info = Kernelc.Run("info", "--model", net, "--json");
        Assert.Equal(0, info.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(info.Output);
        Assert.Equal(Path.GetFullPath(_onnx), doc.RootElement.GetProperty("source").GetProperty("onnx").GetString());
        Assert.Equal(64, doc.RootElement.GetProperty("source").GetProperty("sha256").GetString()!.Length);
    }

    [Fact]
    public void Eval_with_the_recorded_onnx_missing_warns_once_and_still_reports_accuracy()
    {
        string net = ImportRecorded("miss.lut.json");
        string elsewhere = _dir.File("elsewhere.onnx");
        File.Move(_onnx, elsewhere);
        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--json");
        JsonElement root = EvalJson(eval);
        Assert.True(root.GetProperty("accuracy").GetDouble() > 0.8, eval.Output);
        Assert.False(root.TryGetProperty("exactAccuracy", out _));
        Assert.False(root.TryGetProperty("nmse", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("exact").ValueKind);
        Assert.Equal("none", root.GetProperty("exactFrom").GetString());
        string warning = Assert.Single(eval.ErrorLines);
        Assert.StartsWith("kernelc: warning: " + net + " records its exact network as " + Path.GetFullPath(_onnx) +
            ", which is missing", warning);
        Assert.Contains("pass --exact model.onnx", warning);

        // --exact still works, and then nothing is said of the recorded file.
        KernelcResult given = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--exact", elsewhere, "--json");
        Assert.Equal("", given.Error);
        Assert.Equal(1.0, EvalJson(given).GetProperty("exactAccuracy").GetDouble());
        Assert.Equal(elsewhere, EvalJson(given).GetProperty("exact").GetString());
    }

    [Fact]
    public void Eval_with_the_recorded_onnx_changed_names_both_digests_and_exact_overrides()
    {
        string net = ImportRecorded("changed.lut.json");
        string recorded = LutNetwork.Load(net).Source!.Sha256;
        ModelProto other = _model.Clone();
        other.ProducerVersion = "2"; // the same network in other bytes
        File.WriteAllBytes(_onnx, other.ToByteArray());
        string now = NetworkSource.ComputeSha256(File.ReadAllBytes(_onnx));
        Assert.NotEqual(recorded, now);

        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels);
        Assert.Equal(0, eval.ExitCode);
        string warning = Assert.Single(eval.ErrorLines);
        Assert.StartsWith("kernelc: warning: " + net + " records its exact network as " + Path.GetFullPath(_onnx) +
            ", which has changed since: its SHA-256 is " + now + ", the network file records " + recorded, warning);
        Assert.Contains("pass --exact model.onnx", warning);
        Assert.Contains("accuracy  ", eval.Output);
        Assert.Contains("(pass --exact model.onnx for the exact network's)", eval.Output);

        KernelcResult given = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--exact", _onnx, "--json");
        Assert.Equal("", given.Error);
        Assert.Equal(1.0, EvalJson(given).GetProperty("exactAccuracy").GetDouble());
    }

    [Fact]
    public void A_network_file_moved_with_its_onnx_file_still_finds_it()
    {
        string net = ImportRecorded("moving.lut.json");
        string folder = _dir.File("moved");
        Directory.CreateDirectory(folder);
        File.Move(net, Path.Combine(folder, "moving.lut.json"));
        File.Move(_onnx, Path.Combine(folder, "tiny.onnx"));
        KernelcResult eval = Kernelc.Run("eval", "--model", Path.Combine(folder, "moving.lut.json"), "--input", _x,
            "--labels", _labels, "--json");
        Assert.Equal("", eval.Error);
        JsonElement root = EvalJson(eval);
        Assert.Equal(Path.GetFullPath(Path.Combine(folder, "tiny.onnx")), root.GetProperty("exact").GetString());
        Assert.Equal(1.0, root.GetProperty("exactAccuracy").GetDouble());
    }

    [Fact]
    public void A_network_file_without_a_source_evaluates_as_before_without_a_warning()
    {
        string net = ImportRecorded("old.lut.json");
        File.WriteAllText(net, LutNetwork.Load(net).WithSource(null).ToJson());
        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels, "--json");
        Assert.Equal("", eval.Error);
        JsonElement root = EvalJson(eval);
        Assert.False(root.TryGetProperty("exactAccuracy", out _));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("exact").ValueKind);
    }

    [SkippableFact]
    public void A_recorded_path_to_a_device_is_not_read_forever()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        string net = ImportRecorded("device.lut.json");
        LutNetwork network = LutNetwork.Load(net);
        network.WithSource(new NetworkSource("/dev/zero", network.Source!.Sha256)).Save(net);
        KernelcResult eval = Kernelc.Run("eval", "--model", net, "--input", _x, "--labels", _labels);
        Assert.Equal(0, eval.ExitCode);
        string warning = Assert.Single(eval.ErrorLines);
        Assert.Contains("records its exact network as /dev/zero, which is not a regular file of 0 bytes", warning);
    }

    [Fact]
    public void Bench_on_a_network_times_the_fused_kernel_the_layers_and_ONNX_Runtime()
    {
        string net = _dir.File("bench.lut.json");
        Assert.Equal(0, Kernelc.Run("import", "--onnx", _onnx, "--calibration", _x, "--codebooks", "4", "--output", net).ExitCode);
        LutNetwork network = LutNetwork.Load(net);

        KernelcResult bench = Kernelc.Run("bench", "-m", net, "--onnx", _onnx, "-i", _xFlat, "-l", _labels, "-r", "200", "--json");
        Assert.True(bench.ExitCode == 0, bench.Error);
        var classes = new int[200];
        NetworkExecutor.CreateReference(network).Predict(_rows.AsSpan(0, 200 * 16), classes);
        int[] labels = NpyFile.Read(_labels).ToInt32();
        using (JsonDocument doc = JsonDocument.Parse(bench.Output))
        {
            JsonElement root = doc.RootElement;
            Assert.Equal("fused", root.GetProperty("backend").GetString());
            Assert.Equal(200, root.GetProperty("rows").GetInt32());
            Assert.True(root.GetProperty("kernelNsPerRow").GetDouble() > 0);
            Assert.True(root.GetProperty("exactNsPerRow").GetDouble() > 0);
            Assert.True(root.GetProperty("layeredNsPerRow").GetDouble() > 0);
            Assert.True(root.GetProperty("speedup").GetDouble() > 0);
            Assert.Equal("onnxruntime", root.GetProperty("exactEngineName").GetString());
            Assert.StartsWith("ONNX Runtime 1.", root.GetProperty("exactEngine").GetString());
            Assert.Equal(classes.Zip(labels).Count(p => p.First == p.Second) / 200.0, root.GetProperty("accuracy").GetDouble());
            Assert.Equal(1.0, root.GetProperty("exactAccuracy").GetDouble());
        }

        KernelcResult executor = Kernelc.Run("bench", "-m", net, "--exact", _onnx, "-r", "100", "--json");
        Assert.True(executor.ExitCode == 0, executor.Error);
        using (JsonDocument doc = JsonDocument.Parse(executor.Output))
        {
            Assert.Equal("exact-executor", doc.RootElement.GetProperty("exactEngineName").GetString());
            Assert.Equal("random", doc.RootElement.GetProperty("rowSource").GetString());
            Assert.False(doc.RootElement.TryGetProperty("accuracy", out _));
        }

        // More --rows than the input holds: the rows it has are timed, and a warning says so.
        KernelcResult few = Kernelc.Run("bench", "-m", net, "--onnx", _onnx, "-i", _xFlat, "-r", (Rows + 1).ToString(CultureInfo.InvariantCulture), "--json");
        Assert.True(few.ExitCode == 0, few.Error);
        Assert.Contains("--rows " + (Rows + 1) + " but " + _xFlat + " holds " + Rows + " rows", Assert.Single(few.ErrorLines));
        using (JsonDocument doc = JsonDocument.Parse(few.Output))
        {
            Assert.Equal(Rows, doc.RootElement.GetProperty("rows").GetInt32());
        }

        // Neither --onnx nor --exact: the ONNX file the network records, timed with ONNX Runtime.
        KernelcResult recorded = Kernelc.Run("bench", "-m", net, "-r", "100", "--json");
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        using (JsonDocument doc = JsonDocument.Parse(recorded.Output))
        {
            Assert.Equal("onnxruntime", doc.RootElement.GetProperty("exactEngineName").GetString());
        }

        // A network that records no source (or whose source is gone) needs one of them, and the error says why.
        string bare = _dir.File("bare.lut.json");
        network.WithSource(null).Save(bare);
        KernelcResult none = Kernelc.Run("bench", "-m", bare, "-r", "100");
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--onnx model.onnx", Assert.Single(none.ErrorLines));

        // auto runs the fused kernel on networks, bit for bit the reference's outputs.
        string y = _dir.File("y-fused.npy");
        KernelcResult predict = Kernelc.Run("predict", "--model", net, "--input", _x, "--output", y, "--json");
        Assert.Equal(0, predict.ExitCode);
        Assert.Contains("\"fused\"", predict.Output);
        var reference = new float[Rows * 3];
        NetworkExecutor.CreateReference(network).Multiply(_rows, reference);
        Assert.Equal(reference.Select(BitConverter.SingleToInt32Bits), NpyFile.Read(y).ToSingle().Select(BitConverter.SingleToInt32Bits));

        foreach (string[] args in new[]
        {
            new[] { "bench", "-m", net, "--onnx", _onnx, "--threads", "2" },
            new[] { "bench", "-m", net, "--onnx", _onnx, "--layout", "col" },
            new[] { "bench", "-m", net, "--onnx", _onnx, "-l", _labels },
        })
        {
            KernelcResult refused = Kernelc.Run(args);
            Assert.Equal(2, refused.ExitCode);
            Assert.Single(refused.ErrorLines);
        }

        // fused is for network files; a single-layer model says so.
        string single = _dir.File("single.lut.json");
        KernelCompiler.Tests.RandomModels.Create(1, 16, 3, 2).Save(single);
        KernelcResult singleFused = Kernelc.Run("predict", "--model", single, "--input", _xFlat, "--backend", "fused", "--output", _dir.File("s.npy"));
        Assert.Equal(2, singleFused.ExitCode);
        Assert.Contains("network files", singleFused.Error);
    }
}
