using System.Text;
using KernelCompiler.IO;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests.Hardening;

/// <summary>
/// kernelc with broken inputs: mutated model files and .npy files through info, predict, eval and train. Whatever the
/// damage, the run ends with exit 0, or with exit 1 and exactly one "kernelc: error:" line (no internal error, no
/// stack trace), and a failed run leaves no output file and no temporary file. Seeded: CI replays the same inputs;
/// KERNELC_FUZZ_ITERATIONS raises the count (docs/fuzzing.md).
/// </summary>
public class CliFuzzTests
{
    private static int Iterations(int ci)
        => int.TryParse(Environment.GetEnvironmentVariable("KERNELC_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : ci;

    private static readonly string[] OddTokens =
    [
        "NaN", "1e999", "-1", "0", "2147483648", "1.5", "null", "[]", "{}", "\"\"", "-0", "99999999999999999999",
        new string('[', 100), "\"\\uD800\"", "3.4028236e38",
    ];

    private static string MutateText(string text, Random rng)
    {
        for (int edits = rng.Next(1, 4); edits > 0 && text.Length > 0; edits--)
        {
            int at = rng.Next(text.Length);
            text = rng.Next(5) switch
            {
                0 => text.Remove(at, 1).Insert(at, ((char)rng.Next(0, 0x3000)).ToString()),
                1 => text.Substring(0, at),
                2 => text.Insert(at, text.Substring(at, Math.Min(rng.Next(1, 80), text.Length - at))),
                3 => ReplaceNumber(text, rng),
                _ => text.Remove(at, Math.Min(rng.Next(1, 20), text.Length - at)),
            };
        }

        return text;
    }

    private static string ReplaceNumber(string text, Random rng)
    {
        var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?([eE][+-]?\d+)?");
        if (numbers.Count == 0) return text;
        var match = numbers[rng.Next(numbers.Count)];
        return text.Substring(0, match.Index) + OddTokens[rng.Next(OddTokens.Length)] + text.Substring(match.Index + match.Length);
    }

    private static byte[] MutateBytes(byte[] bytes, Random rng)
    {
        var list = new List<byte>(bytes);
        for (int edits = rng.Next(1, 4); edits > 0 && list.Count > 0; edits--)
        {
            int at = rng.Next(list.Count);
            switch (rng.Next(5))
            {
                case 0: list[at] = (byte)rng.Next(256); break;
                case 1: list.RemoveRange(at, list.Count - at); break;
                case 2: list.InsertRange(at, list.GetRange(at, Math.Min(rng.Next(1, 64), list.Count - at))); break;
                case 3: // the header length field or a shape digit lies
                    if (list.Count > 10) list[8 + rng.Next(2)] = (byte)rng.Next(256);
                    break;
                default:
                    int digit = list.FindIndex(b => b is >= (byte)'0' and <= (byte)'9');
                    if (digit >= 0) list.InsertRange(digit, Encoding.ASCII.GetBytes(rng.Next(2) == 0 ? "9999999" : "-"));
                    break;
            }
        }

        return list.ToArray();
    }

    private static void AssertCleanOutcome(KernelcResult result, string outputFile, TempDirectory dir, string what)
    {
        if (result.ExitCode == 0) return;
        // 1 for a data or model problem; 2 when the data makes an option invalid (e.g. more codebooks than columns).
        Assert.True(result.ExitCode is 1 or 2, what + ": exit " + result.ExitCode + ": " + result.Error);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("kernelc: error: ", line);
        Assert.DoesNotContain("internal error", line);
        Assert.DoesNotContain("   at ", line);
        Assert.False(File.Exists(outputFile), what + ": a failed run left " + outputFile);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    private static void WriteValidFiles(TempDirectory dir, int seed)
    {
        LutModel model = RandomModels.Create(seed, 6, 3, 2, prototypes: seed % 2 == 0);
        model.Save(dir.File("model.lut.json"));
        float[] a = RandomModels.Rows(seed, model, 10);
        NpyFile.Write(dir.File("A.npy"), a, 10, 6);
        NpyFile.Write(dir.File("B.npy"), a.Take(18).ToArray(), 6, 3);
        NpyFile.Write(dir.File("b.npy"), new[] { 1f, 2f, 3f }, 3);
        NpyFile.Write(dir.File("y.npy"), Enumerable.Range(0, 10).Select(i => i % 3).ToArray(), 10);
    }

    [Fact]
    public void MutatedModelFiles()
    {
        int iterations = Iterations(150);
        for (int i = 0; i < iterations; i++)
        {
            using var dir = new TempDirectory();
            WriteValidFiles(dir, i);
            var rng = new Random(i);
            File.WriteAllText(dir.File("model.lut.json"), MutateText(File.ReadAllText(dir.File("model.lut.json")), rng));
            string model = dir.File("model.lut.json"), y = dir.File("Y.npy");
            string what = "seed " + i;
            AssertCleanOutcome(Kernelc.Run("info", "--model", model), y, dir, what + " info");
            AssertCleanOutcome(Kernelc.Run("predict", "--model", model, "--input", dir.File("A.npy"), "--output", y), y, dir, what + " predict");
            File.Delete(y);
            AssertCleanOutcome(Kernelc.Run("eval", "--model", model, "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"),
                "--bias", dir.File("b.npy"), "--labels", dir.File("y.npy")), y, dir, what + " eval");
        }
    }

    [Fact]
    public void MutatedNpyFiles()
    {
        int iterations = Iterations(120);
        string[] files = ["A.npy", "B.npy", "b.npy", "y.npy"];
        for (int i = 0; i < iterations; i++)
        {
            using var dir = new TempDirectory();
            WriteValidFiles(dir, i);
            var rng = new Random(1_000_000 + i);
            string victim = files[i % files.Length];
            File.WriteAllBytes(dir.File(victim), MutateBytes(File.ReadAllBytes(dir.File(victim)), rng));
            string model = dir.File("model.lut.json"), y = dir.File("Y.npy"), trained = dir.File("trained.lut.json");
            string what = "seed " + i + " (" + victim + ")";
            AssertCleanOutcome(Kernelc.Run("predict", "--model", model, "--input", dir.File("A.npy"), "--output", y), y, dir, what + " predict");
            File.Delete(y);
            AssertCleanOutcome(Kernelc.Run("eval", "--model", model, "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"),
                "--bias", dir.File("b.npy"), "--labels", dir.File("y.npy")), y, dir, what + " eval");
            AssertCleanOutcome(Kernelc.Run("train", "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"), "--bias", dir.File("b.npy"),
                "--codebooks", "2", "--output", trained), trained, dir, what + " train");
        }
    }

    [Fact]
    public void OutputPathThatIsADirectoryFailsCleanly()
    {
        using var dir = new TempDirectory();
        WriteValidFiles(dir, 1);
        Directory.CreateDirectory(dir.File("out.npy"));
        Directory.CreateDirectory(dir.File("out.lut.json"));
        foreach (KernelcResult result in new[]
        {
            Kernelc.Run("predict", "--model", dir.File("model.lut.json"), "--input", dir.File("A.npy"), "--output", dir.File("out.npy")),
            Kernelc.Run("train", "--input", dir.File("A.npy"), "--weights", dir.File("B.npy"), "--codebooks", "2", "--output", dir.File("out.lut.json")),
        })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("kernelc: error: ", Assert.Single(result.ErrorLines));
            Assert.DoesNotContain("internal error", result.Error);
        }

        Assert.True(Directory.Exists(dir.File("out.npy")));
        Assert.True(Directory.Exists(dir.File("out.lut.json")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
