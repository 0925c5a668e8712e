using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Replays tests/KernelCompiler.Tests/Corpus/onnx: each file must be refused with
/// <see cref="OnnxImportException"/> naming the file, without a large allocation.</summary>
public class OnnxCorpusTests(ITestOutputHelper output)
{
    private const long AllocationSlack = 16 << 20;
    private const long PerInputByte = 64;

    public static TheoryData<string> OnnxFiles()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(CorpusTests.Root, "onnx")).OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OnnxFiles))]
    public void OnnxCorpusIsRefused(string name)
    {
        string path = Path.Combine(CorpusTests.Root, "onnx", name);
        long budget = AllocationSlack + PerInputByte * new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<OnnxImportException>(() => OnnxImporter.Import(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(path, e.FilePath);
        output.WriteLine(e.Message);
        Assert.True(allocated < budget, name + ": allocated " + allocated + " bytes, budget " + budget + " (" + e.Message + ")");
    }
}
