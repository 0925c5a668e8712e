using System.Text.Json;
using KernelCompiler.IO;

namespace KernelCompiler.Cli.Tests;

public class EvalCommandTests
{
    private static string[] HandArgs(TempDirectory dir, params string[] extra) => new[]
    {
        "eval", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"),
        "--bias", dir.File("b.npy"),
    }.Concat(extra).ToArray();

    [Fact]
    public void Json_is_one_object_with_hand_checked_nmse_and_accuracies()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run(HandArgs(dir, "--labels", dir.File("y.npy"), "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output); // throws on a second top-level value
        JsonElement root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(3, root.GetProperty("rows").GetInt32());
        Assert.Equal(HandModel.Nmse, root.GetProperty("nmse").GetDouble(), 12);
        Assert.Equal(2.0 / 3.0, root.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(1.0, root.GetProperty("exactAccuracy").GetDouble(), 12);
        // The default backend is auto, what LutKernel.Compile gives; the report names the kernel that ran.
        Assert.Equal(LutKernel.Compile(LutModel.Load(dir.File("model.lut.json"))).Backend, root.GetProperty("backend").GetString());
        Assert.True(root.GetProperty("kernelNsPerRow").GetDouble() > 0);
        Assert.True(root.GetProperty("exactNsPerRow").GetDouble() > 0);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("exactEngine").GetString()));
    }

    [Fact]
    public void Json_without_labels_has_no_accuracy()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run(HandArgs(dir, "--json"));

        Assert.Equal(0, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal(HandModel.Nmse, doc.RootElement.GetProperty("nmse").GetDouble(), 12);
        Assert.False(doc.RootElement.TryGetProperty("accuracy", out _));
    }

    [Fact]
    public void Without_bias_the_exact_product_has_none()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        // Exact Y = (1, 0), (2, 0), (3, 0); Ŷ as in HandModel: ‖Y − Ŷ‖² = 4 + 1 + 4 + 0 + 1 = 10, ‖Y‖² = 14.
        KernelcResult result = Kernelc.Run("eval", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"),
            "--weights", dir.File("B.npy"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal(10.0 / 14.0, doc.RootElement.GetProperty("nmse").GetDouble(), 12);
    }

    [Fact]
    public void Human_report_names_error_accuracy_and_speed()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run(HandArgs(dir, "--labels", dir.File("y.npy")));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("NMSE      0.0843373", result.Output);
        Assert.Contains("accuracy  66.67% approximate, 100.00% exact", result.Output);
        Assert.Contains("ns/row", result.Output);
    }

    [Fact]
    public void Float64_inputs_are_read_as_well()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        File.WriteAllBytes(dir.File("A64.npy"), NpyBytes.Float64(new[] { 1.0, 2.0, 3.0 }, 3, 1));

        KernelcResult result = Kernelc.Run("eval", "--model", dir.File("model.lut.json"), "--input", dir.File("A64.npy"),
            "--weights", dir.File("B.npy"), "--bias", dir.File("b.npy"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        Assert.Equal(HandModel.Nmse, doc.RootElement.GetProperty("nmse").GetDouble(), 12);
    }
}
