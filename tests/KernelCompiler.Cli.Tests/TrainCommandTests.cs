using System.Text.Json;
using System.Threading;
using KernelCompiler.IO;
using KernelCompiler.Training;

namespace KernelCompiler.Cli.Tests;

public class TrainCommandTests
{
    private static readonly string XTrain = Samples.File("digits/X_train.npy");
    private static readonly string W = Samples.File("digits/W.npy");
    private static readonly string B = Samples.File("digits/b.npy");

    private static string[] Train(string output, params string[] extra)
        => new[] { "train", "--input", XTrain, "--weights", W, "--bias", B, "--output", output }.Concat(extra).ToArray();

    [Fact]
    public void Json_run_writes_a_loadable_model_that_eval_accepts()
    {
        using var dir = new TempDirectory();
        string path = dir.File("digits.lut.json");

        KernelcResult result = Kernelc.Run(Train(path, "--codebooks", "8", "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using (JsonDocument doc = JsonDocument.Parse(result.Output))
        {
            Assert.Equal(1347, doc.RootElement.GetProperty("rows").GetInt32());
            Assert.Equal(8, doc.RootElement.GetProperty("codebooks").GetInt32());
        }

        LutModel model = LutModel.Load(path);
        Assert.Equal((64, 10, 8), (model.InputDimension, model.OutputDimension, model.Codebooks));
        Assert.Equal("digits", model.Name);
        Assert.Equal("kernelc " + ToolVersion.Text, model.Producer);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        KernelcResult eval = Kernelc.Run("eval", "--model", path, "--input", Samples.File("digits/X_test.npy"), "--weights", W,
            "--bias", B, "--labels", Samples.File("digits/y_test.npy"), "--json");
        Assert.Equal(0, eval.ExitCode);
        using JsonDocument report = JsonDocument.Parse(eval.Output);
        // A wiring mistake (B transposed, bias dropped, rows misread) sends this to chance level, about 0.1.
        Assert.True(report.RootElement.GetProperty("accuracy").GetDouble() > 0.8, eval.Output);
    }

    [Fact]
    public void Options_reach_the_trainer_unchanged()
    {
        using var dir = new TempDirectory();
        string path = dir.File("m.lut.json");

        KernelcResult result = Kernelc.Run(Train(path, "--codebooks", "16", "--lambda", "0.5", "--fit-tables", "outputs",
            "--aggregation", "average", "--name", "my-layer"));

        Assert.Equal(0, result.ExitCode);
        NpyArray a = NpyFile.Read(XTrain), w = NpyFile.Read(W);
        LutModel expected = MaddnessTrainer.Train(a.ToSingle(), 1347, w.ToSingle(), 10, NpyFile.Read(B).ToSingle(),
            new MaddnessTrainerOptions
            {
                Codebooks = 16, RidgeLambda = 0.5, TableFitting = TableFitting.Outputs, Aggregation = LutAggregation.Average,
                Name = "my-layer", Producer = "kernelc " + ToolVersion.Text,
            });
        Assert.Equal(expected.ToJson(), File.ReadAllText(path));
    }

    [Fact]
    public void Progress_on_an_interactive_stderr_never_reaches_stdout()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = KernelcApp.Run(Train(dir.File("m.lut.json"), "--codebooks", "4", "--json"), output, error, interactive: true);

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(output.ToString());
        Assert.Equal(4, doc.RootElement.GetProperty("codebooks").GetInt32());
    }

    [Fact]
    public void Cancellation_exits_130_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        int exit = KernelcApp.Run(Train(dir.File("m.lut.json"), "--codebooks", "4"), output, error, cancelled.Token);

        Assert.Equal(ExitCodes.Cancelled, exit);
        Assert.Equal("", output.ToString());
        Assert.Contains("cancelled", Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData("--codebooks", "abc")]
    [InlineData("--codebooks", "0")]
    [InlineData("--codebooks", "257")]
    [InlineData("--lambda", "abc")]
    [InlineData("--lambda", "-1")]
    [InlineData("--lambda", "0")]
    [InlineData("--lambda", "1e999")]
    [InlineData("--name", "")]
    [InlineData("--lambda", "NaN")]
    [InlineData("--fit-tables", "both")]
    [InlineData("--aggregation", "mean")]
    public void Bad_option_values_are_usage_errors(string option, string value)
    {
        using var dir = new TempDirectory();
        string[] args = Train(dir.File("m.lut.json"), option == "--codebooks" ? Array.Empty<string>() : new[] { "--codebooks", "4" })
            .Concat(new[] { option, value }).ToArray();

        KernelcResult result = Kernelc.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains(option, Assert.Single(result.ErrorLines));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Average_aggregation_with_an_unsupported_codebook_count_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run(Train(dir.File("m.lut.json"), "--codebooks", "12", "--aggregation", "average"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("multiple of 16", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Weights_that_do_not_fit_the_input_name_both_files()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("W5.npy"), new float[50], 5, 10);
        KernelcResult result = Kernelc.Run("train", "--input", XTrain, "--weights", dir.File("W5.npy"), "--codebooks", "4",
            "--output", dir.File("m.lut.json"));

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("X_train.npy (1347 × 64)", line);
        Assert.Contains("W5.npy (5 × 10)", line);
    }

    [Fact]
    public void More_codebooks_than_columns_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("A.npy"), new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        NpyFile.Write(dir.File("B.npy"), new float[] { 1, 2 }, 2, 1);
        KernelcResult result = Kernelc.Run("train", "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"), "--codebooks", "4",
            "--output", dir.File("m.lut.json"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--codebooks 4 is more than the 2 columns", Assert.Single(result.ErrorLines));
        Assert.False(File.Exists(dir.File("m.lut.json")));
    }
}
