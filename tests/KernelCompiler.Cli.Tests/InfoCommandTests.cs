using KernelCompiler.Tests;

namespace KernelCompiler.Cli.Tests;

public class InfoCommandTests
{
    [Fact]
    public void Describes_shape_aggregation_name_producer_and_hash()
    {
        using var dir = new TempDirectory();
        LutModel model = RandomModels.Create(5, 40, 6, 16, LutAggregation.Average);
        model.Save(dir.File("m.lut.json"));

        KernelcResult result = Kernelc.Run("info", "--model", dir.File("m.lut.json"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("D = 40 inputs, M = 6 outputs, C = 16 codebooks", result.Output);
        Assert.Contains("aggregation  average", result.Output);
        Assert.Contains("name         random-5", result.Output);
        Assert.Contains("producer     tests", result.Output);
        Assert.Contains("sha256       " + model.ComputeSha256(), result.Output);
    }

    [Fact]
    public void Hash_changes_with_a_table_entry_and_not_with_formatting()
    {
        LutModel model = RandomModels.Create(6, 8, 2, 4);
        LutModel reparsed = LutModel.Parse(model.ToJson().Replace("\n", "\n  "));
        byte[] tables = model.Tables.ToArray();
        tables[0] ^= 1;
        LutModel changed = model.WithTables(tables, model.Steps.ToArray(), model.Offsets.ToArray(), model.OutputDimension);

        Assert.Equal(model.ComputeSha256(), reparsed.ComputeSha256());
        Assert.NotEqual(model.ComputeSha256(), changed.ComputeSha256());
    }

    [Fact]
    public void Version_prints_the_version()
    {
        KernelcResult result = Kernelc.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ToolVersion.Text, result.Output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Output);
    }
}
