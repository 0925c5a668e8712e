using KernelCompiler.IO;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Replays tests/KernelCompiler.Tests/Corpus: each file must be rejected with the documented exception and
/// without a large allocation (a size declared in a header must not be allocated before the data is seen).</summary>
public class CorpusTests
{
    public static string Root { get; } = Find();

    // Parsing allocates a bounded multiple of the input (strings, nodes, error text); a declared size does not count.
    private const long AllocationSlack = 16 << 20;
    private const long PerInputByte = 64;

    public static TheoryData<string> ModelFiles => Files("model");

    public static TheoryData<string> NpyFiles => Files("npy");

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void ModelCorpusIsRejected(string name)
    {
        string path = Path.Combine(Root, "model", name);
        long budget = AllocationSlack + PerInputByte * new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<LutModelException>(() => LutModel.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(path, e.FilePath);
        Assert.True(allocated < budget, name + ": allocated " + allocated + " bytes, budget " + budget + " (" + e.Message + ")");
    }

    [Theory]
    [MemberData(nameof(NpyFiles))]
    public void NpyCorpusIsRejected(string name)
    {
        string path = Path.Combine(Root, "npy", name);
        byte[] bytes = File.ReadAllBytes(path);
        long budget = AllocationSlack + PerInputByte * bytes.Length;
        foreach (bool seekable in new[] { true, false })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            using Stream stream = seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);
            Assert.Throws<NpyFormatException>(() => NpyFile.Read(stream, name));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < budget, name + (seekable ? "" : " (non-seekable)") + ": allocated " + allocated + " bytes, budget " + budget);
        }

        Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
    }

    private static TheoryData<string> Files(string folder)
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(Root, folder)).OrderBy(f => f, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "KernelCompiler.Tests", "Corpus");
            if (Directory.Exists(candidate)) return candidate;
        }

        throw new DirectoryNotFoundException("tests/KernelCompiler.Tests/Corpus was not found above " + AppContext.BaseDirectory);
    }
}
