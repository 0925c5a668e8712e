using System.Text;
using KernelCompiler;

namespace KernelCompiler.Tests.Networks;

public class NetworkFileTests
{
    private static LutNetwork Mixed() => new LutNetwork("mixed \"net\"", new NetworkInput("pixels", [1, 3, 4], "N"),
        [new LutLayer(RandomModels.Create(seed: 1, d: 12, m: 9, c: 4, prototypes: true), LayerActivation.Relu),
         NetworkTestData.Dense(2, 9, 5)],
        NetworkHead.ArgMax, NetworkOutputTransform.LogSoftmax, producer: "tests");

    [Fact]
    public void A_network_survives_save_and_load_bit_for_bit()
    {
        LutNetwork network = Mixed();
        string json = network.ToJson();
        LutNetwork back = LutNetwork.Parse(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(network.Name, back.Name);
        Assert.Equal("N", back.Input.BatchName);
        Assert.Equal([1, 3, 4], back.Input.Shape);
        Assert.Equal(NetworkHead.ArgMax, back.Head);
        Assert.Equal(NetworkOutputTransform.LogSoftmax, back.OutputTransform);
        var dense = Assert.IsType<DenseLayer>(back.Layers[1]);
        Assert.Equal(((DenseLayer)network.Layers[1]).Weights.ToArray(), dense.Weights.ToArray());

        float[] x = NetworkTestData.Rows(3, 40, 12);
        var a = new float[40 * 5];
        var b = new float[40 * 5];
        NetworkExecutor.CreateReference(network).Multiply(x, a);
        NetworkExecutor.CreateReference(back).Multiply(x, b);
        Assert.Equal(NetworkTestData.Bits(a), NetworkTestData.Bits(b));
    }

    [Fact]
    public void Save_and_Load_through_files_and_streams()
    {
        LutNetwork network = Mixed();
        string path = Path.Combine(Path.GetTempPath(), "net-" + Guid.NewGuid().ToString("N") + ".lut.json");
        try
        {
            network.Save(path);
            network.Save(path);
            Assert.Equal(network.ToJson(), LutNetwork.Load(path).ToJson());
            LutFile file = LutFile.Load(path);
            Assert.True(file.IsNetwork);
            Assert.Null(file.Model);
        }
        finally
        {
            File.Delete(path);
        }

        var stream = new MemoryStream();
        network.Save(stream);
        stream.Position = 0;
        Assert.Equal(network.ToJson(), LutNetwork.Load(stream, "mem").ToJson());
    }

    [Fact]
    public void A_version_1_file_is_a_layer_and_a_one_layer_network()
    {
        LutModel model = RandomModels.Create(seed: 4, d: 8, m: 3, c: 2);
        LutFile file = LutFile.Parse(model.ToJson());
        Assert.False(file.IsNetwork);
        Assert.Equal(model.ToJson(), file.Model!.ToJson());
        LutNetwork network = LutNetwork.Parse(model.ToJson());
        Assert.Single(network.Layers);
        Assert.Equal(model.ToJson(), ((LutLayer)network.Layers[0]).Model.ToJson());
        Assert.Equal(8, network.InputDimension);
    }

    [Fact]
    public void The_model_loader_points_a_network_file_elsewhere()
    {
        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(Mixed().ToJson()));
        Assert.Equal("$.version", e.JsonPath);
        Assert.Contains("LutNetwork.Load", e.Message);
    }

    public static TheoryData<string, string, string> Breakages() => new()
    {
        { "\"kind\": \"network\"", "\"kind\": \"layer\"", "$.kind" },
        { "\"version\": 2", "\"version\": 3", "$.version" },
        { "\"head\": \"argmax\"", "\"head\": \"top1\"", "$.head" },
        { "\"outputTransform\": \"logSoftmax\"", "\"outputTransform\": \"sigmoid\"", "$.outputTransform" },
        { "\"shape\": [1, 3, 4]", "\"shape\": [1, 3, 5]", "$.layers[0].inputDimension" },
        { "\"shape\": [1, 3, 4]", "\"shape\": [1, 0, 4]", "$.input.shape[1]" },
        { "\"shape\": [1, 3, 4]", "\"shape\": []", "$.input.shape" },
        { "\"inputDimension\": 9, \"outputDimension\": 5", "\"inputDimension\": 8, \"outputDimension\": 5", "$.layers[1].inputDimension" },
        { "\"inputDimension\": 9, \"outputDimension\": 5", "\"inputDimension\": 9, \"outputDimension\": 6", "$.layers[1].weights" },
        { "\"inputDimension\": 9, \"outputDimension\": 5", "\"inputDimension\": 9, \"outputDimension\": 5000000", "$.layers[1].outputDimension" },
        { "\"kind\": \"dense\"", "\"kind\": \"conv\"", "$.layers[1].kind" },
        { "\"activation\": \"relu\"", "\"activation\": \"gelu\"", "$.layers[0].activation" },
        { "\"aggregation\"", "\"aggregate\"", "$.layers[0].model.aggregate" },
        { "\"splitDimensions\": [", "\"splitDimensions\": [99, ", "$.layers[0].model.codebooks[0].splitDimensions" },
        { "\"batch\": \"N\"", "\"batch\": \"N\", \"rank\": 4", "$.input.rank" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Every_broken_field_is_named_with_its_path(string find, string replace, string path)
    {
        string json = Mixed().ToJson();
        Assert.Contains(find, json);
        string broken = ReplaceFirst(json, find, replace);
        var e = Assert.Throws<LutModelException>(() => LutNetwork.Parse(broken, "net.lut.json"));
        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith("net.lut.json: " + path + ": ", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_dense_weights_in_a_file_are_refused(float bad)
    {
        var layer = NetworkTestData.Dense(2, 3, 2);
        string good = Convert.ToBase64String(layer.Weights.ToArray().SelectMany(BitConverter.GetBytes).ToArray());
        float[] w = layer.Weights.ToArray();
        w[3] = bad;
        string broken = Convert.ToBase64String(w.SelectMany(BitConverter.GetBytes).ToArray());
        string json = new LutNetwork("n", NetworkInput.Flat(3), [layer]).ToJson().Replace(good, broken);
        var e = Assert.Throws<LutModelException>(() => LutNetwork.Parse(json));
        Assert.Equal("$.layers[0].weights", e.JsonPath);
        Assert.Contains("value 3", e.Message);
    }

    [Fact]
    public void A_weights_string_of_the_wrong_length_is_refused_before_decoding()
    {
        string json = new LutNetwork("n", NetworkInput.Flat(3), [NetworkTestData.Dense(2, 3, 2)]).ToJson();
        int at = json.IndexOf("\"weights\": \"", StringComparison.Ordinal) + 12;
        string broken = json.Insert(at, "AAAA");
        var e = Assert.Throws<LutModelException>(() => LutNetwork.Parse(broken));
        Assert.Equal("$.layers[0].weights", e.JsonPath);
        Assert.Contains("characters; expected 32", e.Message);
    }

    [Fact]
    public void A_stream_over_the_size_cap_is_refused_without_reading_it_all()
    {
        var e = Assert.Throws<LutModelException>(() => LutFile.Load(new EndlessStream(), "endless"));
        Assert.Contains("limit", e.Message);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return text.Substring(0, at) + replace + text.Substring(at + find.Length);
    }

    /// <summary>Spaces forever: the reader must stop at the cap.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)' ');
            return count;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
