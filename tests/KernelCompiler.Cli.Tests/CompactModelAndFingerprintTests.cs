using KernelCompiler.IO;

namespace KernelCompiler.Cli.Tests;

/// <summary><c>train --prototypes</c> (prototypes are opt-in) and the weights fingerprint that <c>eval</c> checks.</summary>
public class CompactModelAndFingerprintTests
{
    private static readonly string XTrain = Samples.File("digits/X_train.npy");
    private static readonly string XTest = Samples.File("digits/X_test.npy");
    private static readonly string W = Samples.File("digits/W.npy");
    private static readonly string B = Samples.File("digits/b.npy");

    private static string Train(TempDirectory dir, string name, params string[] extra)
    {
        string path = dir.File(name);
        KernelcResult result = Kernelc.Run(new[] { "train", "--input", XTrain, "--weights", W, "--bias", B, "--codebooks", "8",
            "--output", path }.Concat(extra).ToArray());
        Assert.True(result.ExitCode == 0, result.Error);
        return path;
    }

    [Fact]
    public void Train_leaves_prototypes_out_unless_asked()
    {
        using var dir = new TempDirectory();
        LutModel compact = LutModel.Load(Train(dir, "compact.lut.json"));
        LutModel full = LutModel.Load(Train(dir, "full.lut.json", "--prototypes"));

        Assert.False(compact.HasPrototypes);
        Assert.True(full.HasPrototypes);
        Assert.Equal(compact.Tables.ToArray(), full.Tables.ToArray());
        Assert.True(new FileInfo(dir.File("full.lut.json")).Length > 5 * new FileInfo(dir.File("compact.lut.json")).Length);
        Assert.Equal(LutModel.ComputeWeightsFingerprint(NpyFile.Read(W).ToSingle(), 10, NpyFile.Read(B).ToSingle()),
            compact.WeightsFingerprint);
    }

    [Fact]
    public void Eval_warns_on_stderr_when_the_weights_differ_from_the_training_weights()
    {
        using var dir = new TempDirectory();
        string model = Train(dir, "digits.lut.json");

        KernelcResult same = Kernelc.Run("eval", "--model", model, "--input", XTest, "--weights", W, "--bias", B, "--json");
        Assert.Equal(0, same.ExitCode);
        Assert.Equal("", same.Error);

        float[] w = NpyFile.Read(W).ToSingle();
        w[5] += 1;
        string other = dir.File("W2.npy");
        NpyFile.Write(other, w, 64, 10);
        KernelcResult changed = Kernelc.Run("eval", "--model", model, "--input", XTest, "--weights", other, "--bias", B, "--json");
        Assert.Equal(0, changed.ExitCode);
        Assert.StartsWith("kernelc: warning: ", changed.Error);
        Assert.Contains("weightsFingerprint", changed.Error);
        Assert.Contains(other, changed.Error);
        Assert.Single(changed.ErrorLines);

        // Leaving the bias out is another set of weights too (unless it is all zero).
        KernelcResult noBias = Kernelc.Run("eval", "--model", model, "--input", XTest, "--weights", W, "--json");
        Assert.Contains("(no bias)", noBias.Error);
    }

    [Fact]
    public void Eval_says_nothing_for_a_model_without_a_fingerprint()
    {
        using var dir = new TempDirectory();
        string path = Train(dir, "digits.lut.json");
        LutModel.Load(path).WithWeightsFingerprint(null).Save(path);
        float[] w = NpyFile.Read(W).ToSingle();
        w[5] += 1;
        string other = dir.File("W2.npy");
        NpyFile.Write(other, w, 64, 10);

        KernelcResult result = Kernelc.Run("eval", "--model", path, "--input", XTest, "--weights", other, "--bias", B, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
    }
}
