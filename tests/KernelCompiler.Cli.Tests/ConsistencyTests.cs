using System.Text.Json;
using KernelCompiler.IO;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

/// <summary>One command line across the verbs: --model everywhere (show too), short options, "did you mean", --json on
/// info and predict, model outputs that end in .lut.json, and a missing directory named as such.</summary>
public class ConsistencyTests
{
    [Theory]
    [InlineData(new[] { "trian" }, "did you mean 'train'?")]
    [InlineData(new[] { "sweeep" }, "did you mean 'sweep'?")]
    [InlineData(new[] { "train", "--codebook", "4" }, "did you mean '--codebooks'?")]
    [InlineData(new[] { "eval", "--lables", "y.npy" }, "did you mean '--labels'?")]
    public void Mistyped_verbs_and_options_get_a_suggestion(string[] args, string suggestion)
    {
        KernelcResult result = Kernelc.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(suggestion, Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void A_word_far_from_every_verb_gets_no_suggestion()
    {
        KernelcResult result = Kernelc.Run("photosynthesis");

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.DoesNotContain("did you mean", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Short_options_mean_the_long_ones()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        KernelcResult longForm = Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"),
            "--backend", "reference", "--output", dir.File("long.npy"));
        KernelcResult shortForm = Kernelc.Run("predict", "-m", dir.File("model.lut.json"), "-i", dir.File("A.npy"), "-k", "reference",
            "-o", dir.File("short.npy"));

        Assert.Equal(0, longForm.ExitCode);
        Assert.Equal(0, shortForm.ExitCode);
        Assert.Equal(File.ReadAllBytes(dir.File("long.npy")), File.ReadAllBytes(dir.File("short.npy")));

        KernelcResult train = Kernelc.Run("train", "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "-b", dir.File("b.npy"), "-c", "1",
            "-o", dir.File("t.lut.json"), "--json");
        Assert.Equal(0, train.ExitCode);
        using JsonDocument json = JsonDocument.Parse(train.Output);
        Assert.Equal(1, json.RootElement.GetProperty("codebooks").GetInt32());
    }

    [Fact]
    public void Show_takes_model_as_an_option_or_positionally_but_not_both()
    {
        using var dir = new TempDirectory();
        RandomModels.Create(3, 8, 2, 2).Save(dir.File("m.lut.json"));

        KernelcResult byOption = Kernelc.Run("show", "--model", dir.File("m.lut.json"));
        KernelcResult byShort = Kernelc.Run("show", "-m", dir.File("m.lut.json"));
        KernelcResult byPosition = Kernelc.Run("show", dir.File("m.lut.json"));
        KernelcResult both = Kernelc.Run("show", dir.File("m.lut.json"), "--model", dir.File("m.lut.json"));
        KernelcResult neither = Kernelc.Run("show");

        Assert.Equal(0, byOption.ExitCode);
        Assert.Equal(byOption.Output, byPosition.Output);
        Assert.Equal(byOption.Output, byShort.Output);
        Assert.Equal(ExitCodes.UsageError, both.ExitCode);
        Assert.Contains("not both", Assert.Single(both.ErrorLines));
        Assert.Equal(ExitCodes.UsageError, neither.ExitCode);
        Assert.Contains("--model", Assert.Single(neither.ErrorLines));
    }

    [Fact]
    public void Info_json_describes_the_model()
    {
        using var dir = new TempDirectory();
        LutModel model = RandomModels.Create(5, 12, 3, 3);
        model.Save(dir.File("m.lut.json"));

        KernelcResult result = Kernelc.Run("info", "-m", dir.File("m.lut.json"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(12, root.GetProperty("inputDimension").GetInt32());
        Assert.Equal(3, root.GetProperty("outputDimension").GetInt32());
        Assert.Equal(3, root.GetProperty("codebooks").GetInt32());
        Assert.Equal(model.Tables.Length, root.GetProperty("tableBytes").GetInt32());
        Assert.Equal(model.HasPrototypes, root.GetProperty("hasPrototypes").GetBoolean());
        Assert.Equal(model.ComputeSha256(), root.GetProperty("sha256").GetString());
    }

    [Fact]
    public void Predict_json_names_the_output_and_the_backend_that_ran()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run("predict", "-m", dir.File("model.lut.json"), "-i", dir.File("A.npy"), "-o", dir.File("Y.npy"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        Assert.Equal(dir.File("Y.npy"), json.RootElement.GetProperty("output").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(LutKernel.Compile(LutModel.Load(dir.File("model.lut.json"))).Backend, json.RootElement.GetProperty("backend").GetString());
        Assert.Equal(3, NpyFile.Read(dir.File("Y.npy")).Shape[0]);
    }

    [Theory]
    [InlineData("m.json")]
    [InlineData("m.lut")]
    [InlineData("model")]
    public void A_model_output_not_ending_in_lut_json_is_refused(string name)
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run("train", "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "-c", "1", "-o", dir.File(name));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains(".lut.json", line);
        Assert.Contains(name, line);
        Assert.False(File.Exists(dir.File(name)));
    }

    [Fact]
    public void Writing_into_a_missing_directory_names_the_directory()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        string missing = Path.Combine(dir.Path, "no-such-dir");

        KernelcResult train = Kernelc.Run("train", "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "-c", "1",
            "-o", Path.Combine(missing, "m.lut.json"));
        KernelcResult predict = Kernelc.Run("predict", "-m", dir.File("model.lut.json"), "-i", dir.File("A.npy"),
            "-o", Path.Combine(missing, "Y.npy"));

        foreach (KernelcResult result in new[] { train, predict })
        {
            Assert.Equal(ExitCodes.DataError, result.ExitCode);
            string line = Assert.Single(result.ErrorLines);
            Assert.Contains("the directory " + missing + " does not exist", line);
            Assert.DoesNotContain(".tmp", line);
        }
    }
}
