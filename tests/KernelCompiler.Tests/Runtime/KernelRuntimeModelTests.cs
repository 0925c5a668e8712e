using KernelCompiler.Runtime;
using KernelCompiler.Emit;

namespace KernelCompiler.Tests.Runtime;

/// <summary>The runtime contract generated and emitted kernels call: versioned, and its shape checked against its data.</summary>
public class KernelRuntimeModelTests
{
    [Fact]
    public void TheWriterAndTheRuntimeSpeakTheSameContract()
    {
        // The generator cannot see the runtime, so the version is written twice.
        Assert.Equal(KernelRuntimeModel.ContractVersion, CSharpKernelWriter.RuntimeContractVersion);
        string source = LutKernel.GenerateSource(RandomModels.Create(1, 8, 2, 2), new LutKernelOptions(), "K", "N");
        Assert.Matches(@"new global::KernelCompiler\.Runtime\.KernelRuntimeModel\(\s+" + KernelRuntimeModel.ContractVersion + ", ", source);
    }

    [Fact]
    public void GeneratedCodeCarriesTheVersionOfTheBuild()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string props = File.ReadAllText(Path.Combine(dir!.FullName, "Directory.Build.props"));
        string version = System.Text.RegularExpressions.Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        Assert.Equal(version, CSharpKernelWriter.ToolVersion);
        string source = LutKernel.GenerateSource(RandomModels.Create(1, 8, 2, 2), new LutKernelOptions(), "K", "N");
        Assert.Contains("[GeneratedCode(\"KernelCompiler\", \"" + version + "\")]", source);
    }

    /// <summary>Every path's steps carry the model, so a kernel written for another contract cannot reach the runtime
    /// on any path: on rows fewer than a tile (block paths only) as on many (the fused path where the CPU has it).</summary>
    [Fact]
    public void GeneratedCodeForAnotherContractIsRefusedOnEveryPath()
    {
        LutModel model = RandomModels.Create(3, 32, 3, 4);
        string source = LutKernel.GenerateSource(model, new LutKernelOptions(), "OldKernel", "Contract");
        var version = new System.Text.RegularExpressions.Regex(@"(KernelRuntimeModel\(\s+)" + KernelRuntimeModel.ContractVersion + ", ");
        Assert.Matches(version, source);
        source = version.Replace(source, "${1}99, ");
        Type type = GeneratedSource.Compile(new[] { source }, allowUnsafe: true).GetType("Contract.OldKernel")!;
        var kernel = new GeneratedKernel(model, type);
        foreach (int rows in new[] { 3, 100 })
        {
            var e = Assert.ThrowsAny<Exception>(() => kernel.Multiply(new float[rows * 32], new float[rows * 3]));
            Assert.IsType<NotSupportedException>(e.InnerException ?? e);
            Assert.Contains("contract 99", (e.InnerException ?? e).Message);
        }
    }

    [Fact]
    public void AnotherContractVersionIsRefusedWithAMessageThatSaysWhatToDo()
    {
        var e = Assert.Throws<NotSupportedException>(() => Create(contractVersion: KernelRuntimeModel.ContractVersion + 1));
        Assert.Contains("regenerate the kernel", e.Message);
    }

    [Fact]
    public void DataThatDisagreesWithTheShapeIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Create(tables: new byte[2 * 3 * 16 - 1]));
        Assert.Throws<ArgumentException>(() => Create(steps: new float[1]));
        Assert.Throws<ArgumentException>(() => Create(offsets: new float[3]));
        Assert.Throws<ArgumentException>(() => Create(slotDimensions: new[] { 0, 5 }));
        Assert.Throws<ArgumentException>(() => new KernelRuntimeModel(KernelRuntimeModel.ContractVersion, 0, 3, 2,
            LutAggregation.Exact, new[] { 0 }, new byte[96], new float[2], new float[2]));
        KernelRuntimeModel model = Create();
        Assert.Equal((5, 3, 2), (model.InputDimension, model.Codebooks, model.OutputDimension));
    }

    [Fact]
    public void ChecksGiveTheLengthsInTheirMessages()
    {
        KernelRuntimeModel model = Create();
        Assert.Equal(2, model.RowsOf(new float[10]));
        Assert.Contains("Input length 7", Assert.Throws<ArgumentException>(() => model.RowsOf(new float[7])).Message);
        Assert.Contains("Code 16 at index 4", Assert.Throws<ArgumentException>(() => model.CheckCodes(new byte[] { 0, 1, 2, 3, 16, 5 })).Message);
        Assert.Contains("4 elements for 6", Assert.Throws<ArgumentException>(() => model.CheckDestination(4, 6, "destination")).Message);
    }

    private static KernelRuntimeModel Create(int contractVersion = KernelRuntimeModel.ContractVersion, byte[]? tables = null,
        float[]? steps = null, float[]? offsets = null, int[]? slotDimensions = null)
        => new(contractVersion, 5, 3, 2, LutAggregation.Exact, slotDimensions ?? new[] { 0, 4 }, tables ?? new byte[2 * 3 * 16],
            steps ?? new float[2], offsets ?? new float[2]);
}
