using System.Threading;
using System.Threading.Tasks;
using KernelCompiler.IO;

namespace KernelCompiler.Tests.Hardening;

/// <summary>
/// <see cref="LutModel.Save"/> and <see cref="NpyFile.Write(string, ReadOnlySpan{float}, int[])"/> never expose a
/// partial file at the target path: a write that fails leaves the old file intact and no temporary file behind, and a
/// reader running during repeated writes only ever sees a complete old or new file.
/// </summary>
public sealed class AtomicWriteTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "kc-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicWriteTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Leftovers() => Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories);

    [Fact]
    public void SaveOntoADirectoryFailsAndLeavesNoTemporaryFile()
    {
        string target = Path.Combine(_dir, "model.lut.json");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "inside.txt"), "keep");
        Assert.ThrowsAny<IOException>(() => RandomModels.Create(1, 4, 2, 2).Save(target));
        Assert.ThrowsAny<IOException>(() => NpyFile.Write(target, new[] { 1f, 2f }, 2));
        Assert.True(Directory.Exists(target));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "inside.txt")));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public void AFailingCleanupNeverReplacesTheWritesOwnException()
    {
        // The target is a directory, so moving the finished temporary file onto it fails; then deleting the temporary
        // file fails too. The caller must see the first failure, not the cleanup's.
        string target = Path.Combine(_dir, "target");
        Directory.CreateDirectory(target);
        var deleted = new List<string>();
        void FailingDelete(string temp)
        {
            deleted.Add(temp);
            throw new IOException("cleanup failed");
        }

        IOException fromMove = Assert.ThrowsAny<IOException>(() => NpyFile.WriteThroughTemporaryFile(target, s => s.WriteByte(1), FailingDelete));
        Assert.NotEqual("cleanup failed", fromMove.Message);
        IOException fromSave = Assert.ThrowsAny<IOException>(() => RandomModels.Create(1, 4, 2, 2).Save(target, FailingDelete));
        Assert.NotEqual("cleanup failed", fromSave.Message);

        // A write that throws before the move: its own exception, whatever the cleanup throws.
        var fromWrite = Assert.Throws<InvalidDataException>(() => NpyFile.WriteThroughTemporaryFile(
            Path.Combine(_dir, "y.npy"), _ => throw new InvalidDataException("write failed"), t => { deleted.Add(t); throw new UnauthorizedAccessException(); }));
        Assert.Equal("write failed", fromWrite.Message);

        // The cleanup was asked to delete exactly the temporary files, which the failed deletes left behind.
        Assert.Equal(3, deleted.Count);
        Assert.All(deleted, t => Assert.EndsWith(".tmp", t));
        Assert.Equal(deleted.Order(), Leftovers().Order());
        foreach (string t in deleted) File.Delete(t);
    }

    [Fact]
    public void FailedWriteIntoAMissingDirectoryLeavesNothing()
    {
        string target = Path.Combine(_dir, "absent", "model.lut.json");
        Assert.ThrowsAny<IOException>(() => RandomModels.Create(1, 4, 2, 2).Save(target));
        Assert.ThrowsAny<IOException>(() => NpyFile.Write(target, new[] { 1f }, 1));
        Assert.False(Directory.Exists(Path.Combine(_dir, "absent")));
        Assert.Empty(Leftovers());
    }

    [Fact]
    public async Task ReplacingAnExistingFileKeepsTheOldOneUntilTheNewOneIsComplete()
    {
        string model = Path.Combine(_dir, "model.lut.json");
        string npy = Path.Combine(_dir, "y.npy");
        LutModel small = RandomModels.Create(1, 3, 1, 1);
        LutModel large = RandomModels.Create(2, 60, 40, 32, prototypes: true); // hundreds of KB: a slow write
        small.Save(model);
        float[] shortArray = [1, 2, 3];
        float[] longArray = Enumerable.Range(0, 200_000).Select(i => (float)i).ToArray();
        NpyFile.Write(npy, shortArray, 3);
        string smallJson = small.ToJson(), largeJson = large.ToJson();

        // A reader polls while a writer alternates the two contents: every read is one of them, whole.
        using var stop = new CancellationTokenSource();
        int reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                string json = LutModel.Load(model).ToJson();
                Assert.True(json == smallJson || json == largeJson, "a partial or foreign model was visible");
                long length = NpyFile.Read(npy).Length;
                Assert.True(length is 3 or 200_000, "a partial array was visible: " + length);
                Interlocked.Increment(ref reads);
            }
        });
        // At least 30 writes and 20 complete reads overlapping them (bounded, so a stuck reader fails rather than hangs).
        for (int i = 0; (i < 30 || Volatile.Read(ref reads) < 20) && i < 20_000 && !reader.IsCompleted; i++)
        {
            (i % 2 == 0 ? large : small).Save(model);
            NpyFile.Write(npy, i % 2 == 0 ? longArray : shortArray, i % 2 == 0 ? longArray.Length : 3);
        }

        stop.Cancel();
        await reader;
        Assert.True(reads >= 20, "only " + reads + " reads overlapped the writes");
        small.Save(model);
        NpyFile.Write(npy, shortArray, 3);
        Assert.Equal(smallJson, LutModel.Load(model).ToJson());
        Assert.Equal(3, NpyFile.Read(npy).Length);
        Assert.Empty(Leftovers());
    }
}
