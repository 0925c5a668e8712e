using System.Security.Cryptography;
using KernelCompiler.Calibration;
using static KernelCompiler.Tests.Networks.OnnxGraphBuilder;

namespace KernelCompiler.Tests.Networks;

/// <summary><see cref="LutNetwork.Source"/>: recorded by the ONNX importer, kept by calibration, written relative to
/// the network file's folder when the ONNX file is in it or below, resolved on load, validated field by field.</summary>
public sealed class NetworkSourceTests : IDisposable
{
    private static readonly string Hash = new('a', 64);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "netsrc-" + Guid.NewGuid().ToString("N"));

    public NetworkSourceTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static LutNetwork Small(NetworkSource? source) =>
        new LutNetwork("small", NetworkInput.Flat(3), [NetworkTestData.Dense(2, 3, 2)], source: source);

    private static byte[] OnnxBytes() => new OnnxGraphBuilder(5).Input("x", "N", 6).Output("y", "N", 3)
        .Weights("W", 3, 6).Weights("b", 3)
        .Node("Gemm", ["x", "W", "b"], ["y"], "fc", Int("transB", 1)).ToBytes();

    [Fact]
    public void The_importer_records_the_full_path_and_the_SHA256_of_the_bytes_and_calibration_keeps_them()
    {
        byte[] bytes = OnnxBytes();
        string onnx = Path.Combine(_dir, "m.onnx");
        File.WriteAllBytes(onnx, bytes);
        LutNetwork exact = OnnxImporter.Import(onnx);
        Assert.NotNull(exact.Source);
        Assert.Equal(Path.GetFullPath(onnx), exact.Source!.OnnxPath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), exact.Source.Sha256);
        Assert.True(exact.Source.Matches(bytes));
        bytes[^1] ^= 1;
        Assert.False(exact.Source.Matches(bytes));

        Assert.Null(OnnxImporter.Import(new MemoryStream(OnnxBytes()), "m.onnx").Source);

        float[] rows = NetworkTestData.Rows(1, 64, 6);
        LutNetwork calibrated = NetworkCalibrator.Calibrate(exact, rows, [], new NetworkCalibrationOptions { Codebooks = 2 }).Network;
        Assert.Same(exact.Source, calibrated.Source);
        Assert.Same(exact.Source, calibrated.WithHead(NetworkHead.ArgMax).Source);
        Assert.Null(calibrated.WithSource(null).Source);
    }

    [Fact]
    public void A_network_without_a_source_writes_none_and_loads_with_none()
    {
        string json = Small(null).ToJson();
        Assert.DoesNotContain("\"source\"", json);
        Assert.Null(LutNetwork.Parse(json).Source);
    }

    [Theory]
    [InlineData("m.onnx", "m.onnx")]
    [InlineData("models/deep/m.onnx", "models/deep/m.onnx")]
    public void An_onnx_file_in_or_below_the_network_folder_is_written_relative_and_resolved_on_load(string onnx, string written)
    {
        string full = Path.GetFullPath(Path.Combine(_dir, onnx));
        string net = Path.Combine(_dir, "n.lut.json");
        Small(new NetworkSource(full, Hash)).Save(net);
        Assert.Contains("\"source\": { \"onnx\": \"" + written + "\", \"sha256\": \"" + Hash + "\" }", File.ReadAllText(net));
        Assert.Equal(full, LutNetwork.Load(net).Source!.OnnxPath);

        // Moved together, the pair still finds each other.
        string moved = Path.Combine(_dir, "moved");
        Directory.CreateDirectory(moved);
        File.Move(net, Path.Combine(moved, "n.lut.json"));
        Assert.Equal(Path.GetFullPath(Path.Combine(moved, onnx)), LutNetwork.Load(Path.Combine(moved, "n.lut.json")).Source!.OnnxPath);

        // A stream or string names no folder: the path stays as written.
        Assert.Equal(written, LutNetwork.Load(new MemoryStream(File.ReadAllBytes(Path.Combine(moved, "n.lut.json")))).Source!.OnnxPath);
        NetworkSource parsed = LutNetwork.Parse(File.ReadAllText(Path.Combine(moved, "n.lut.json"))).Source!;
        Assert.Equal(Path.GetFullPath(Path.Combine(moved, onnx)), parsed.ResolvePath(Path.Combine(moved, "n.lut.json")));
    }

    [Fact]
    public void An_onnx_file_outside_the_network_folder_is_written_absolute()
    {
        string sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        string onnx = Path.Combine(_dir, "m.onnx");
        string net = Path.Combine(sub, "n.lut.json");
        Small(new NetworkSource(onnx, Hash)).Save(net);
        Assert.Contains("\"onnx\": " + JsonQuoted(onnx), File.ReadAllText(net));
        Assert.Equal(onnx, LutNetwork.Load(net).Source!.OnnxPath);
        // ToJson names no folder: the path as held.
        Assert.Contains("\"onnx\": " + JsonQuoted(onnx), Small(new NetworkSource(onnx, Hash)).ToJson());
    }

    private static string JsonQuoted(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public static TheoryData<string, string, string> Breakages() => new()
    {
        { "{ \"onnx\": \"m.onnx\", \"sha256\": \"" + Hash + "\" }", "\"m.onnx\"", "$.source" },
        { "\"sha256\": \"" + Hash + "\" }", "\"sha256\": \"" + Hash + "\", \"url\": \"x\" }", "$.source.url" },
        { "\"onnx\": \"m.onnx\", ", "", "$.source.onnx" },
        { ", \"sha256\": \"" + Hash + "\"", "", "$.source.sha256" },
        { "\"onnx\": \"m.onnx\"", "\"onnx\": 7", "$.source.onnx" },
        { "\"onnx\": \"m.onnx\"", "\"onnx\": \"\"", "$.source.onnx" },
        { "\"onnx\": \"m.onnx\"", "\"onnx\": \"" + new string('x', NetworkSource.MaxPathLength + 1) + "\"", "$.source.onnx" },
        { "\"onnx\": \"m.onnx\"", "\"onnx\": \"m\\u0001.onnx\"", "$.source.onnx" },
        { "\"sha256\": \"" + Hash + "\"", "\"sha256\": \"" + Hash.Substring(1) + "\"", "$.source.sha256" },
        { "\"sha256\": \"" + Hash + "\"", "\"sha256\": \"" + Hash.ToUpperInvariant() + "\"", "$.source.sha256" },
        { "\"sha256\": \"" + Hash + "\"", "\"sha256\": \"" + new string('g', 64) + "\"", "$.source.sha256" },
        { "\"sha256\": \"" + Hash + "\"", "\"sha256\": null", "$.source.sha256" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Every_broken_source_field_is_named_with_its_path(string find, string replace, string path)
    {
        string json = Small(new NetworkSource("m.onnx", Hash)).ToJson();
        Assert.Contains(find, json);
        int at = json.IndexOf(find, StringComparison.Ordinal);
        string broken = json.Substring(0, at) + replace + json.Substring(at + find.Length);
        var e = Assert.Throws<LutModelException>(() => LutNetwork.Parse(broken, "net.lut.json"));
        Assert.Equal(path, e.JsonPath);
        Assert.StartsWith("net.lut.json: " + path + ": ", e.Message);
    }

    [Theory]
    [InlineData("", "$.source.onnx", "expected 1 to 4096")]
    [InlineData("a\nb", "$.source.onnx", "control character")]
    public void The_constructor_applies_the_file_rules_to_the_path(string onnx, string path, string message)
    {
        var e = Assert.Throws<LutModelException>(() => new NetworkSource(onnx, Hash));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void The_constructor_applies_the_file_rules_to_the_digest()
    {
        var e = Assert.Throws<LutModelException>(() => new NetworkSource("m.onnx", "sha256:" + Hash));
        Assert.Equal("$.source.sha256", e.JsonPath);
        Assert.Contains("64 lower-case hexadecimal digits", e.Message);
        Assert.Throws<ArgumentNullException>(() => new NetworkSource(null!, Hash));
    }
}
