using KernelCompiler.IO;

namespace KernelCompiler.Cli.Tests;

/// <summary>Every failure is exactly one line on stderr, nothing on stdout, no stack trace, and the documented exit
/// code: 2 for a wrong command line, 1 for a data or model problem.</summary>
public class ErrorPathTests
{
    private static void AssertOneLineError(KernelcResult result, int exitCode, params string[] mentions)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal("", result.Output);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("kernelc: error: ", line);
        Assert.DoesNotContain("   at ", line);
        Assert.DoesNotContain("Exception", line);
        foreach (string mention in mentions)
        {
            Assert.Contains(mention, line);
        }
    }

    private static string[] Eval(TempDirectory dir, string model = "model.lut.json", string input = "A.npy", string weights = "B.npy",
        params string[] extra)
        => new[] { "eval", "--model", dir.File(model), "--input", dir.File(input), "--weights", dir.File(weights) }.Concat(extra).ToArray();

    [Fact]
    public void Missing_model_file()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        AssertOneLineError(Kernelc.Run(Eval(dir, model: "absent.lut.json")), 1, "absent.lut.json");
    }

    [Fact]
    public void Missing_input_file()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        AssertOneLineError(Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("absent.npy"),
            "--output", dir.File("Y.npy")), 1, "absent.npy");
        Assert.False(File.Exists(dir.File("Y.npy")));
    }

    [Fact]
    public void Broken_npy_file()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        File.WriteAllText(dir.File("A.npy"), "this is not numpy");
        AssertOneLineError(Kernelc.Run(Eval(dir)), 1, "A.npy", "magic");
    }

    [Fact]
    public void Truncated_npy_file()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        byte[] bytes = File.ReadAllBytes(dir.File("B.npy"));
        File.WriteAllBytes(dir.File("B.npy"), bytes.AsSpan(0, bytes.Length - 3).ToArray());
        AssertOneLineError(Kernelc.Run(Eval(dir)), 1, "B.npy");
    }

    [Fact]
    public void Broken_model_file()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        File.WriteAllText(dir.File("model.lut.json"), "{ \"format\": \"kernelcompiler-lut\", ");
        AssertOneLineError(Kernelc.Run("info", "--model", dir.File("model.lut.json")), 1, "model.lut.json");
    }

    [Fact]
    public void Invalid_model_value()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        string json = File.ReadAllText(dir.File("model.lut.json")).Replace("\"version\": 1", "\"version\": 7");
        File.WriteAllText(dir.File("model.lut.json"), json);
        AssertOneLineError(Kernelc.Run(Eval(dir)), 1, "model.lut.json", "$.version");
    }

    [Fact]
    public void Input_with_the_wrong_number_of_columns()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("A2.npy"), new float[6], 3, 2);
        AssertOneLineError(Kernelc.Run(Eval(dir, input: "A2.npy")), 1, "A2.npy (3 × 2)", "B.npy (1 × 2)");
    }

    [Fact]
    public void Input_that_fits_the_weights_but_not_the_model()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("A2.npy"), new float[6], 3, 2);
        AssertOneLineError(Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("A2.npy"),
            "--output", dir.File("Y.npy")), 1, "A2.npy (3 × 2)", "model.lut.json");
    }

    [Fact]
    public void Weights_that_do_not_match_the_model()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("B3.npy"), new float[3], 1, 3);
        AssertOneLineError(Kernelc.Run(Eval(dir, weights: "B3.npy")), 1, "B3.npy (1 × 3)", "model.lut.json");
    }

    [Fact]
    public void Bias_of_the_wrong_length()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("b3.npy"), new float[3], 3);
        AssertOneLineError(Kernelc.Run(Eval(dir, extra: new[] { "--bias", dir.File("b3.npy") })), 1, "b3.npy", "(3,)", "B.npy (1 × 2)");
    }

    [Fact]
    public void Labels_of_the_wrong_length_or_type()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("y4.npy"), new int[4], 4);
        NpyFile.Write(dir.File("yf.npy"), new float[3], 3);
        AssertOneLineError(Kernelc.Run(Eval(dir, extra: new[] { "--labels", dir.File("y4.npy") })), 1, "y4.npy", "A.npy (3 × 1)");
        AssertOneLineError(Kernelc.Run(Eval(dir, extra: new[] { "--labels", dir.File("yf.npy") })), 1, "yf.npy", "integers");
    }

    [Fact]
    public void One_dimensional_input()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("A1.npy"), new float[3], 3);
        AssertOneLineError(Kernelc.Run(Eval(dir, input: "A1.npy")), 1, "A1.npy", "2-D");
    }

    [Fact]
    public void Unknown_backend_lists_the_known_ones()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        AssertOneLineError(Kernelc.Run(Eval(dir, extra: new[] { "--backend", "turbo" })), 2, "turbo", "reference");
    }

    [Fact]
    public void Missing_required_option()
    {
        AssertOneLineError(Kernelc.Run("predict", "--model", "m.lut.json", "--input", "A.npy"), 2, "--output");
    }

    [Fact]
    public void Unknown_option_and_unknown_verb()
    {
        AssertOneLineError(Kernelc.Run("info", "--model", "m.lut.json", "--colour"), 2, "--colour");
        AssertOneLineError(Kernelc.Run("compile"), 2, "compile");
        AssertOneLineError(Kernelc.Run(), 2);
    }

    [Fact]
    public void Output_into_a_missing_directory()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        AssertOneLineError(Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"),
            "--output", dir.File(Path.Combine("no-such-dir", "Y.npy"))), 1, "no-such-dir");
    }

    [Fact]
    public void Non_finite_training_data_is_a_one_line_data_error()
    {
        using var dir = new TempDirectory();
        NpyFile.Write(dir.File("A.npy"), new[] { 1f, 2f, float.NaN, 4f, 5f, 6f }, 3, 2);
        NpyFile.Write(dir.File("B.npy"), new[] { 1f, 2f }, 2, 1);
        AssertOneLineError(Kernelc.Run("train", "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"), "--codebooks", "1",
            "--output", dir.File("m.lut.json")), 1, "A.npy", "NaN");
        Assert.False(File.Exists(dir.File("m.lut.json")));
    }

    [Fact]
    public void NaN_inputs_in_eval_give_a_null_nmse_not_a_crash()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        NpyFile.Write(dir.File("A.npy"), new[] { 1f, float.NaN, 3f }, 3, 1);

        KernelcResult result = Kernelc.Run(Eval(dir, extra: "--json"));

        Assert.Equal(0, result.ExitCode);
        using System.Text.Json.JsonDocument doc = System.Text.Json.JsonDocument.Parse(result.Output);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, doc.RootElement.GetProperty("nmse").ValueKind);
    }
}
