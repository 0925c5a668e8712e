using System.Text.Json;
using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Cli.Tests;

/// <summary>Choosing C: kernelc sweep's table, JSON and plot; train with a target picks the smallest C that meets it on
/// the held-back rows; the library's CodebookSearch splits deterministically.</summary>
public class SweepAndTargetTests
{
    private static readonly string X = Samples.File("digits/X_train.npy");
    private static readonly string W = Samples.File("digits/W.npy");
    private static readonly string B = Samples.File("digits/b.npy");
    private static readonly string Y = Samples.File("digits/y_train.npy");

    [Fact]
    public void Sweep_json_has_one_result_per_C_with_error_accuracy_speed_and_size_and_draws_a_png()
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run("sweep", "-i", X, "-w", W, "-b", B, "-l", Y, "-c", "8,2,4", "--plot", dir.File("s.png"), "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(1347, root.GetProperty("trainingRows").GetInt32() + root.GetProperty("validationRows").GetInt32());
        Assert.Equal(269, root.GetProperty("validationRows").GetInt32());
        JsonElement[] results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(new[] { 2, 4, 8 }, results.Select(r => r.GetProperty("codebooks").GetInt32()));
        foreach (JsonElement r in results)
        {
            int c = r.GetProperty("codebooks").GetInt32();
            Assert.InRange(r.GetProperty("validationAccuracy").GetDouble(), 0.0, 1.0);
            Assert.True(r.GetProperty("validationNmse").GetDouble() > 0);
            Assert.True(r.GetProperty("kernelNsPerRow").GetDouble() > 0);
            Assert.Equal(c * 16 * 10, r.GetProperty("tableBytes").GetInt32());
            Assert.True(r.GetProperty("modelFileBytes").GetInt32() > r.GetProperty("tableBytes").GetInt32());
        }

        // More codebooks fit the rows they were trained on better (each adds a tree on the residual).
        Assert.True(results[2].GetProperty("trainingNmse").GetDouble() < results[0].GetProperty("trainingNmse").GetDouble());
        byte[] png = File.ReadAllBytes(dir.File("s.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
    }

    [Fact]
    public void Sweep_without_labels_reports_nmse_only_in_a_table()
    {
        KernelcResult result = Kernelc.Run("sweep", "-i", X, "-w", W, "-c", "1,2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("held-back NMSE", result.Output);
        Assert.DoesNotContain("accuracy", result.Output.Split('\n').First(l => l.Contains("held-back NMSE")));
        Assert.Contains("--max-nmse E", result.Output);
    }

    [Theory]
    [InlineData("0,2")]
    [InlineData("two")]
    [InlineData("4,,8")]
    public void Sweep_refuses_a_bad_codebook_list(string list)
    {
        KernelcResult result = Kernelc.Run("sweep", "-i", X, "-w", W, "-c", list);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--codebooks", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Train_with_a_target_picks_the_smallest_C_that_meets_it_and_says_why()
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run("train", "-i", X, "-w", W, "-b", B, "-l", Y, "--target-accuracy", "0.9",
            "-o", dir.File("m.lut.json"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        int chosen = root.GetProperty("codebooks").GetInt32();
        Assert.Equal(chosen, LutModel.Load(dir.File("m.lut.json")).Codebooks);
        Assert.True(root.GetProperty("validationAccuracy").GetDouble() >= 0.9);
        Assert.Contains("C = " + chosen + " is the smallest", root.GetProperty("choice").GetString());
        JsonElement[] trials = root.GetProperty("trials").EnumerateArray().ToArray();
        // The C just below the chosen one was tried and missed (the bisection's last miss), every tried C below it missed too.
        Assert.Contains(trials, t => t.GetProperty("codebooks").GetInt32() == chosen - 1);
        foreach (JsonElement t in trials.Where(t => t.GetProperty("codebooks").GetInt32() < chosen))
        {
            Assert.True(t.GetProperty("validationAccuracy").GetDouble() < 0.9);
        }

        Assert.True(root.GetProperty("trainingNmse").GetDouble() > 0);
        Assert.Equal(269, root.GetProperty("validationRows").GetInt32());
    }

    [Fact]
    public void Train_reports_training_and_validation_error_in_words()
    {
        using var dir = new TempDirectory();
        KernelcResult plain = Kernelc.Run("train", "-i", X, "-w", W, "-b", B, "-l", Y, "-c", "4", "-o", dir.File("a.lut.json"));
        KernelcResult held = Kernelc.Run("train", "-i", X, "-w", W, "-b", B, "-c", "4", "--validation-fraction", "0.25", "-o", dir.File("b.lut.json"));
        KernelcResult nmse = Kernelc.Run("train", "-i", X, "-w", W, "--max-nmse", "0.2", "-o", dir.File("c.lut.json"));

        Assert.Equal(0, plain.ExitCode);
        Assert.Matches(@"training  NMSE [0-9.e-]+, accuracy \d+\.\d\d% on the 1347 rows trained on", plain.Output);
        Assert.Contains("validation none", plain.Output);
        Assert.Equal(0, held.ExitCode);
        Assert.Contains("on the 1010 rows trained on", held.Output);
        Assert.Matches(@"validation NMSE [0-9.e-]+ on 337 held-back rows", held.Output);
        Assert.Equal(0, nmse.ExitCode);
        Assert.Contains("meets NMSE ≤ 0.2", nmse.Output);
    }

    [Theory]
    [InlineData(new[] { "--target-accuracy", "0.9" }, "--labels")]
    [InlineData(new[] { "--target-accuracy", "95", "-l", "Y" }, "did you mean 95%")]
    [InlineData(new[] { "--max-nmse", "0.1", "-c", "4" }, "exclude each other")]
    [InlineData(new string[0], "--codebooks C, or a target")]
    [InlineData(new[] { "--max-nmse", "0.1", "--validation-fraction", "1" }, "--validation-fraction")]
    public void Target_misuse_is_a_usage_error(string[] extra, string expected)
    {
        using var dir = new TempDirectory();
        string[] args = new[] { "train", "-i", X, "-w", W, "-o", dir.File("m.lut.json") }
            .Concat(extra.Select(e => e == "Y" ? Y : e)).ToArray();
        KernelcResult result = Kernelc.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(expected, Assert.Single(result.ErrorLines));
        Assert.False(File.Exists(dir.File("m.lut.json")));
    }

    [Fact]
    public void An_unreachable_target_writes_nothing_and_names_the_closest()
    {
        using var dir = new TempDirectory();
        // Eight columns: C can only go up to 8, far from an NMSE of 1e-9.
        float[] a = Enumerable.Range(0, 200 * 8).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        float[] b = Enumerable.Range(0, 8 * 3).Select(i => (float)Math.Cos(i)).ToArray();
        KernelCompiler.IO.NpyFile.Write(dir.File("A.npy"), a, 200, 8);
        KernelCompiler.IO.NpyFile.Write(dir.File("B.npy"), b, 8, 3);

        KernelcResult result = Kernelc.Run("train", "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "--max-nmse", "1e-9", "-o", dir.File("m.lut.json"));

        Assert.Equal(ExitCodes.DataError, result.ExitCode);
        string line = Assert.Single(result.ErrorLines);
        Assert.Contains("no C up to 8 meets NMSE ≤ 1E-09", line);
        Assert.Contains("the closest was C = ", line);
        Assert.False(File.Exists(dir.File("m.lut.json")));
    }

    [Fact]
    public void Codebook_search_splits_deterministically_and_judges_on_held_back_rows()
    {
        float[] a = KernelCompiler.IO.NpyFile.Read(X).ToSingle(), w = KernelCompiler.IO.NpyFile.Read(W).ToSingle();
        int[] y = KernelCompiler.IO.NpyFile.Read(Y).ToInt32();
        var first = new CodebookSearch(a, 1347, w, 10, ReadOnlySpan<float>.Empty, y, 0.2);
        var second = new CodebookSearch(a, 1347, w, 10, ReadOnlySpan<float>.Empty, y, 0.2);

        Assert.Equal(269, first.ValidationRows);
        Assert.Equal(1078, first.TrainingRows);
        Assert.True(first.ValidationInput.SequenceEqual(second.ValidationInput));
        Assert.True(first.ValidationLabels.SequenceEqual(second.ValidationLabels));
        CodebookTrial one = first.Evaluate(4), two = second.Evaluate(4);
        Assert.Equal(one.Model.ComputeSha256(), two.Model.ComputeSha256());
        Assert.Equal(one.ValidationNmse, two.ValidationNmse);
        // An accuracy target needs labels.
        var unlabelled = new CodebookSearch(a, 1347, w, 10, ReadOnlySpan<float>.Empty, ReadOnlySpan<int>.Empty);
        Assert.False(unlabelled.HasLabels);
        Assert.Throws<ArgumentException>(() => unlabelled.FindSmallest(CodebookTarget.Accuracy(0.9)));
        Assert.Equal(new[] { 1, 2, 4, 8, 16, 32, 64 }, CodebookSearch.DefaultCandidates(64));
    }

    [Fact]
    public void Codebook_search_reports_progress_per_candidate_and_honours_cancellation()
    {
        float[] a = KernelCompiler.IO.NpyFile.Read(X).ToSingle(), w = KernelCompiler.IO.NpyFile.Read(W).ToSingle();
        int[] y = KernelCompiler.IO.NpyFile.Read(Y).ToInt32();
        float[] bias = KernelCompiler.IO.NpyFile.Read(B).ToSingle();
        var search = new CodebookSearch(a, 1347, w, 10, bias, y, 0.2);
        var seen = new List<CodebookSearchProgress>();
        var progress = new Synchronous<CodebookSearchProgress>(seen.Add);

        CodebookSearchResult result = search.FindSmallest(CodebookTarget.Accuracy(0.9), progress: progress);

        Assert.NotNull(result.Chosen);
        Assert.Equal(result.Trials.Select(t => t.Codebooks).OrderBy(c => c), seen.Where(p => p.Training is null).Select(p => p.Codebooks).OrderBy(c => c));
        Assert.Contains(seen, p => p.Training is { Stage: MaddnessTrainer.TreesStage });

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => search.FindSmallest(CodebookTarget.Nmse(0.01), cancellationToken: cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => search.Evaluate(4, cancellationToken: cancelled.Token));
    }

    // Progress<T> posts to the thread pool; the test wants the reports in order, on the caller's thread.
    private sealed class Synchronous<T> : IProgress<T>
    {
        private readonly Action<T> _report;

        public Synchronous(Action<T> report) => _report = report;

        public void Report(T value) => _report(value);
    }
}
