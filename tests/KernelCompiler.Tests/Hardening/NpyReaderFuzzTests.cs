using System.Text;
using CsCheck;
using KernelCompiler.IO;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Hostile .npy documents: valid ones mutated (bytes, header text, lengths, shapes, types) must read as a
/// consistent array or fail with <see cref="NpyFormatException"/>, from seekable and non-seekable streams alike.</summary>
public class NpyReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Descrs = ["<f4", ">f4", "<f8", ">f8", "<i4", ">i4", "<i8", "=i8", "|u1", "<u1"];

    private static readonly string[] OddShapes =
    [
        "()", "(0,)", "(-1,)", "(-1, 4)", "(2147483647,)", "(2147483648,)", "(2147483647, 2147483647)", "(0, 2147483647)",
        "(99999999999999999999,)", "(1e3,)", "(,)", "(3 4)", "(3,4", "3", "[3]", "(1, 1, 1, 1, 1, 1, 1, 1, 1)",
        "(65536, 65536)", "(4294967296,)", "(\u0661,)", "(+1,)", "(0x10,)", "None", "",
    ];

    private static readonly string[] OddDescrs = ["<f2", "<c8", "|b1", "<U4", "|O", "", "<", "<f4<", "f4", "<F4", "<f4 ", "\u00e9f4"];

    private static readonly string[] OddFortran = ["True", "False", "false", "1", "None", "", "'True'"];

    public static readonly Gen<byte[]> ValidDocuments =
        from version in Gen.Int[1, 3]
        from descr in Gen.OneOfConst(Descrs)
        from fortran in Gen.Bool
        from shape in Gen.Int[0, 5].Array[0, 3]
        from data in Gen.Byte.Array[0, 4000]
        select Valid(version, descr, fortran, shape, data);

    private static byte[] Valid(int version, string descr, bool fortran, int[] shape, byte[] data)
    {
        int size = descr[1..] switch { "f8" or "i8" => 8, "u1" => 1, _ => 4 };
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var bytes = new byte[count * size];
        Array.Copy(data, bytes, Math.Min(data.Length, bytes.Length));
        return NpyDocuments.Build(version, descr, fortran, NpyDocuments.ShapeText(shape), bytes);
    }

    public static readonly Gen<(int Kind, int A, int B)> Edits = Gen.Select(Gen.Int[0, 8], Gen.Int, Gen.Int);

    public static byte[] Mutate(byte[] doc, (int Kind, int A, int B)[] edits)
    {
        foreach ((int kind, int a, int b) in edits) doc = Mutate(doc, kind, a, b);
        return doc;
    }

    private static byte[] Mutate(byte[] doc, int kind, int a, int b)
    {
        int at = (int)((uint)a % (uint)Math.Max(doc.Length, 1));
        uint pick = (uint)b;
        var list = new List<byte>(doc);
        switch (kind)
        {
            case 0: // flip a byte
                if (list.Count > 0) list[at] = (byte)pick;
                return list.ToArray();
            case 1: // truncate
                return doc.AsSpan(0, at).ToArray();
            case 2: // duplicate a range
            {
                int count = (int)Math.Min(pick % 300 + 1, (uint)(doc.Length - at));
                list.InsertRange(at, doc.AsSpan(at, count).ToArray());
                return list.ToArray();
            }
            case 3: // the header length field lies
            {
                if (doc.Length < 12) return doc;
                long[] lies = [0, 1, 10, 0xFFFF, 0x10000, 0x10001, 0xFFFFFFFF, 0x7FFFFFFF];
                long truth = doc[6] == 1 ? BitConverter.ToUInt16(doc, 8) : BitConverter.ToUInt32(doc, 8);
                long lie = pick % 3 == 0 ? truth + (int)(pick % 17) - 8 : lies[pick % lies.Length];
                if (doc[6] == 1) BitConverter.GetBytes((ushort)lie).CopyTo(doc, 8);
                else if (doc[6] is 2 or 3) BitConverter.GetBytes((uint)lie).CopyTo(doc, 8);
                return doc;
            }
            case 4: return ReplaceInHeader(doc, "shape", OddShapes[pick % OddShapes.Length]);
            case 5: return ReplaceInHeader(doc, "descr", OddDescrs[pick % OddDescrs.Length]);
            case 6: return ReplaceInHeader(doc, "fortran_order", OddFortran[pick % OddFortran.Length]);
            case 7: // the version byte
                if (doc.Length > 6) doc[6] = (byte)(pick % 5);
                return doc;
            default: // junk inside the header dict
            {
                string[] junk = ["'extra': 1, ", "'descr': '<f8', ", "'shape': (2,), ", "{", "}", "'", ":", ",", "\0", "\u00ff"];
                int brace = Array.IndexOf(doc, (byte)'{');
                if (brace < 0) return doc;
                list.InsertRange(brace + 1, Encoding.Latin1.GetBytes(junk[pick % junk.Length]));
                return list.ToArray();
            }
        }
    }

    // Rewrites one header value, keeping the length field truthful so the edit reaches the header parser.
    private static byte[] ReplaceInHeader(byte[] doc, string key, string value)
    {
        if (doc.Length < 8 || doc[6] is < 1 or > 3) return doc;
        int lengthBytes = doc[6] == 1 ? 2 : 4;
        if (doc.Length < 8 + lengthBytes) return doc;
        int headerLength = lengthBytes == 2 ? BitConverter.ToUInt16(doc, 8) : (int)Math.Min(BitConverter.ToUInt32(doc, 8), int.MaxValue);
        int start = 8 + lengthBytes;
        if ((long)start + headerLength > doc.Length) return doc;
        Encoding encoding = doc[6] == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = encoding.GetString(doc, start, headerLength);
        int k = header.IndexOf("'" + key + "': ", StringComparison.Ordinal);
        if (k < 0) return doc;
        int v = k + key.Length + 4;
        if (v + 1 >= header.Length) return doc;
        int end = key == "shape" ? header.IndexOf(')', v) + 1 : key == "descr" ? header.IndexOf('\'', v + 1) + 1 : header.IndexOf(',', v);
        if (end <= v) return doc;
        string newValue = key == "descr" ? "'" + value + "'" : value;
        string dict = header.Substring(0, v) + newValue + header.Substring(end);
        return NpyDocuments.BuildRaw(doc[6], dict.TrimEnd(), doc.AsSpan(start + headerLength));
    }

    /// <summary>Success means a consistent array; failure means NpyFormatException; nothing else.</summary>
    internal static void Check(byte[] doc)
    {
        foreach (bool seekable in new[] { true, false })
        {
            NpyArray array;
            try
            {
                using Stream stream = seekable ? new MemoryStream(doc) : new NonSeekableStream(doc);
                array = NpyFile.Read(stream, "fuzz.npy");
            }
            catch (NpyFormatException e)
            {
                Assert.Equal("fuzz.npy", e.FilePath);
                continue;
            }

            long count = array.Shape.Aggregate(1L, (p, d) => p * d);
            Assert.All(array.Shape, d => Assert.True(d >= 0));
            Assert.Equal(count, array.Length);
            Assert.Equal(count, array.ToSingle().Length);
            try
            {
                Assert.Equal(count, array.ToInt32().Length);
            }
            catch (NpyFormatException)
            {
            }

            try
            {
                (int rows, int columns) = array.Matrix;
                Assert.Equal(count, (long)rows * columns);
            }
            catch (NpyFormatException)
            {
                Assert.True(array.Shape.Length is 0 or > 2);
            }
        }
    }

    [Fact]
    public void MutatedDocumentsReadOrThrowNpyFormatException()
    {
        FuzzBudget.Run(
            Gen.Select(ValidDocuments, Edits.Array[1, 3]),
            t => Check(Mutate((byte[])t.Item1.Clone(), t.Item2)),
            ciIterations: 2000, output,
            print: t => Convert.ToHexString(Mutate((byte[])t.Item1.Clone(), t.Item2)));
    }

    [Fact]
    public void ValidDocumentsReadBackTheirValues()
    {
        // The generator itself must produce readable files, or the mutation fuzzer would only test rejection.
        FuzzBudget.Run(ValidDocuments, doc => NpyFile.Read(new MemoryStream(doc)), ciIterations: 300, output);
    }

    [Theory]
    [InlineData("<f8", "(2147483647,)")]
    [InlineData("<f4", "(600000000,)")]
    [InlineData("<f4", "(65536, 65536)")]
    [InlineData("<i8", "(2147483647, 1)")]
    public void HugeDeclaredShapeOnAnEndlessPipeFailsWithoutBufferingIt(string descr, string shape)
    {
        // A pipe that never ends: the reader must refuse the declared size before buffering it.
        var stream = new NonSeekableStream(NpyDocuments.Build(1, descr, false, shape, []), endless: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(stream, "pipe"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, "allocated " + allocated + " bytes: " + e.Message);
        Assert.True(stream.BytesRead < 1 << 20, "read " + stream.BytesRead + " bytes: " + e.Message);
    }

    [Theory]
    [InlineData("<f8", "(2147483647,)")]
    [InlineData("<f4", "(65536, 65536)")]
    [InlineData("<f4", "(100000000,)")]
    public void HugeDeclaredShapeInAShortFileFailsFastWithoutAllocating(string descr, string shape)
    {
        byte[] doc = NpyDocuments.Build(1, descr, false, shape, new byte[64]);
        string path = Path.Combine(Path.GetTempPath(), "kc-huge-" + Guid.NewGuid().ToString("N") + ".npy");
        File.WriteAllBytes(path, doc);
        try
        {
            foreach (Func<NpyArray> read in new Func<NpyArray>[]
            {
                () => NpyFile.Read(path),
                () => NpyFile.Read(new MemoryStream(doc)),
                () => NpyFile.Read(new NonSeekableStream(doc)),
            })
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var e = Assert.Throws<NpyFormatException>(read);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.True(allocated < 1 << 20, "allocated " + allocated + " bytes: " + e.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
