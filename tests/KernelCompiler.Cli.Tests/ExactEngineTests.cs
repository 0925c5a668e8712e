using System.Text.Json;
using KernelCompiler.Blas;
using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

/// <summary>The exact engines every verb times against: each available one computes A · B to float32 accuracy in both
/// layouts, --exact-engine names one, and a reference BLAS is never among them.</summary>
public class ExactEngineTests
{
    public static TheoryData<string, int, int, int, bool> Cases()
    {
        var data = new TheoryData<string, int, int, int, bool>();
        foreach (ExactEngine engine in ExactEngines.All.Where(e => e.IsAvailable))
        {
            foreach ((int rows, int depth, int columns) in new[] { (1, 1, 1), (33, 64, 10), (300, 27, 2), (17, 9, 7), (40, 512, 13) })
            {
                data.Add(engine.Name, rows, depth, columns, false);
                data.Add(engine.Name, rows, depth, columns, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_available_engine_matches_a_double_product(string name, int rows, int depth, int columns, bool columnMajor)
    {
        var rng = new Random(rows * 7919 + depth * 31 + columns);
        float[] a = Enumerable.Range(0, rows * depth).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, depth * columns).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var y = new float[rows * columns];

        ExactMultiply multiply = ExactEngines.Find(name)!.Bind(b, DenseProduct.Transpose(b, depth, columns), depth, columns);
        multiply(columnMajor ? RandomModels.Transpose(a, rows, depth) : a, rows, columnMajor, y);

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < columns; j++)
            {
                double sum = 0, magnitude = 0;
                for (int k = 0; k < depth; k++)
                {
                    sum += (double)a[r * depth + k] * b[k * columns + j];
                    magnitude += Math.Abs((double)a[r * depth + k] * b[k * columns + j]);
                }

                Assert.True(Math.Abs(sum - y[r * columns + j]) <= 1e-6 * depth * magnitude + 1e-7,
                    name + " row " + r + " column " + j + ": " + y[r * columns + j] + " against " + sum);
            }
        }
    }

    [Fact]
    public void Engines_are_openblas_blis_and_managed_and_never_the_reference_blas()
    {
        Assert.Equal(new[] { "auto", "openblas", "blis", "managed" }, ExactEngines.Names);
        Assert.True(ExactEngines.Find("managed")!.IsAvailable);
        foreach (ExactEngine engine in ExactEngines.All)
        {
            Assert.DoesNotContain("libblas.so.3", engine.IsAvailable ? engine.Description : engine.UnavailableReason!.Split(';')[0]
                .Replace("the reference libblas.so.3 is never used", ""));
        }
    }

    [Fact]
    public void Exact_engine_option_names_the_engine_and_refuses_unknown_or_absent_ones()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);
        string[] eval = { "eval", "-m", dir.File("model.lut.json"), "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "-b", dir.File("b.npy"), "--json" };

        KernelcResult managed = Kernelc.Run(eval.Concat(new[] { "--exact-engine", "managed" }).ToArray());
        Assert.Equal(0, managed.ExitCode);
        using (JsonDocument json = JsonDocument.Parse(managed.Output))
        {
            Assert.Equal("managed", json.RootElement.GetProperty("exactEngineName").GetString());
            Assert.Equal(DenseProduct.Engine, json.RootElement.GetProperty("exactEngine").GetString());
        }

        KernelcResult unknown = Kernelc.Run(eval.Concat(new[] { "--exact-engine", "netlib" }).ToArray());
        Assert.Equal(ExitCodes.UsageError, unknown.ExitCode);
        Assert.Contains("auto, openblas, blis, managed", Assert.Single(unknown.ErrorLines));

        foreach (ExactEngine absent in ExactEngines.All.Where(e => !e.IsAvailable))
        {
            KernelcResult refused = Kernelc.Run(eval.Concat(new[] { "--exact-engine", absent.Name }).ToArray());
            Assert.Equal(ExitCodes.UsageError, refused.ExitCode);
            Assert.Contains("not available", Assert.Single(refused.ErrorLines));
        }
    }

    [Fact]
    public void Auto_reports_which_engines_it_timed()
    {
        using var dir = new TempDirectory();
        HandModel.WriteFiles(dir);

        KernelcResult result = Kernelc.Run("eval", "-m", dir.File("model.lut.json"), "-i", dir.File("A.npy"), "-w", dir.File("B.npy"), "--json");

        Assert.Equal(0, result.ExitCode);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        string description = json.RootElement.GetProperty("exactEngine").GetString()!;
        int available = ExactEngines.All.Count(e => e.IsAvailable);
        if (available > 1)
        {
            Assert.Contains("fastest of ", description);
            foreach (ExactEngine engine in ExactEngines.All.Where(e => e.IsAvailable)) Assert.Contains(engine.Name + " ", description);
        }
        else
        {
            Assert.Contains("the only exact engine here", description);
        }
    }
}
