using System.Text.Json;
using KernelCompiler.Blas;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

/// <summary>kernelc bench: its report shape, the options it accepts and its one-line errors. Times are only checked to
/// be positive numbers: speed belongs to the benchmarks, not to tests.</summary>
public class BenchCommandTests
{
    private static string[] Bench(TempDirectory dir, params string[] extra)
    {
        LutModel model = RandomModels.Create(11, 24, 3, 4);
        model.Save(dir.File("m.lut.json"));
        return new[] { "bench", "--model", dir.File("m.lut.json") }.Concat(extra).ToArray();
    }

    [Theory]
    [InlineData("col", 1)]
    [InlineData("row", 1)]
    [InlineData("col", 3)]
    [InlineData("row", 2)]
    public void Json_reports_both_engines_for_every_layout_and_thread_count(string layout, int threads)
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run(Bench(dir, "--rows", "50", "--layout", layout, "--threads", threads.ToString(), "--json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        Assert.Equal(50, root.GetProperty("rows").GetInt32());
        Assert.Equal(layout, root.GetProperty("layout").GetString());
        Assert.Equal(threads, root.GetProperty("threads").GetInt32());
        Assert.Equal(LutKernel.Compile(RandomModels.Create(11, 24, 3, 4)).Backend, root.GetProperty("backend").GetString());
        Assert.Equal(24, root.GetProperty("inputDimension").GetInt32());
        Assert.Equal(3, root.GetProperty("outputDimension").GetInt32());
        Assert.Equal(4, root.GetProperty("codebooks").GetInt32());
        double kernel = root.GetProperty("kernelNsPerRow").GetDouble();
        double exact = root.GetProperty("exactNsPerRow").GetDouble();
        Assert.True(kernel > 0 && exact > 0, result.Output);
        // Both times are rounded to 3 decimals in the output, so the ratio is compared with a relative tolerance.
        Assert.InRange(root.GetProperty("speedup").GetDouble(), exact / kernel * 0.99, exact / kernel * 1.01);
        ExactEngine engine = ExactEngines.Find(root.GetProperty("exactEngineName").GetString()!)!;
        Assert.True(engine.IsAvailable);
        Assert.StartsWith(engine.Description, root.GetProperty("exactEngine").GetString());
        Assert.DoesNotContain("libblas.so.3", root.GetProperty("exactEngine").GetString());
        foreach (string what in new[] { "kernelNsPerRow", "exactNsPerRow" })
        {
            double min = root.GetProperty(what + "Min").GetDouble(), median = root.GetProperty(what).GetDouble(), max = root.GetProperty(what + "Max").GetDouble();
            Assert.True(min <= median && median <= max, what + ": " + min + " " + median + " " + max);
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("generic")]
    public void Backend_is_chosen_by_name_and_the_human_report_names_the_exact_engine(string backend)
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run(Bench(dir, "--rows", "20", "--backend", backend));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(", " + backend + " backend, end-to-end Multiply", result.Output);
        Assert.Contains("20 random, column-major, 1 thread", result.Output);
        Assert.Matches(@"exact    \d+\.\d\d ns/row \(min \d+\.\d\d, max \d+\.\d\d\), (OpenBLAS|BLIS|managed)", result.Output);
        Assert.Matches(@"speedup  \d+\.\d\d× (faster|slower) than exact", result.Output);
    }

    [Theory]
    [InlineData("--rows", "0")]
    [InlineData("--rows", "ten")]
    [InlineData("--threads", "0")]
    [InlineData("--layout", "diagonal")]
    [InlineData("--backend", "quantum")]
    public void Bad_options_are_usage_errors_on_one_line(string option, string value)
    {
        using var dir = new TempDirectory();
        string[] args = Bench(dir, "--rows", "10").Concat(new[] { option, value }).ToArray();
        KernelcResult result = Kernelc.Run(args);

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Equal("", result.Output);
        string line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("kernelc: error: ", line);
        Assert.Contains(option == "--backend" ? "quantum" : option, line);
    }

    [Fact]
    public void More_threads_than_rows_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        KernelcResult result = Kernelc.Run(Bench(dir, "--rows", "3", "--threads", "4"));

        Assert.Equal(ExitCodes.UsageError, result.ExitCode);
        Assert.Contains("--threads 4 is more than --rows 3", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Rows_default_to_ten_thousand_and_a_missing_model_file_is_a_one_line_error()
    {
        using var dir = new TempDirectory();
        KernelcResult defaultRows = Kernelc.Run(Bench(dir, "--json", "--exact-engine", "managed"));
        KernelcResult noModel = Kernelc.Run("bench", "--model", dir.File("absent.lut.json"), "--rows", "10");

        Assert.Equal(0, defaultRows.ExitCode);
        using (JsonDocument json = JsonDocument.Parse(defaultRows.Output))
        {
            Assert.Equal(10_000, json.RootElement.GetProperty("rows").GetInt32());
            Assert.Equal("managed", json.RootElement.GetProperty("exactEngineName").GetString());
        }

        Assert.Equal(ExitCodes.DataError, noModel.ExitCode);
        Assert.Contains("absent.lut.json", Assert.Single(noModel.ErrorLines));
        Assert.Equal("", noModel.Output);
    }
}
