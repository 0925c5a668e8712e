using System.Buffers.Binary;
using System.Text;
using KernelCompiler.IO;

namespace KernelCompiler.Tests.IO;

public class NpyFileTests
{
    private static string Temp() => Path.Combine(Path.GetTempPath(), "kc-" + Guid.NewGuid().ToString("N") + ".npy");

    /// <summary>Builds a .npy document by hand, as NumPy lays it out.</summary>
    internal static byte[] Document(string dict, byte[] data, int major = 1)
    {
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        string header = dict + new string(' ', (64 - (prefix + dict.Length + 1) % 64) % 64) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        if (major == 1) { var l = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(l, (ushort)header.Length); ms.Write(l); }
        else { var l = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(l, (uint)header.Length); ms.Write(l); }
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    [Fact]
    public void Float32RoundTrips()
    {
        string path = Temp();
        try
        {
            float[] values = [1.5f, -0f, float.MaxValue, float.Epsilon, 3, 4];
            NpyFile.Write(path, values, 2, 3);
            NpyArray back = NpyFile.Read(path);
            Assert.Equal(NpyDataType.Float32, back.DataType);
            Assert.Equal([2, 3], back.Shape);
            Assert.Equal((2, 3), back.Matrix);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), back.ToSingle().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(0, (File.ReadAllBytes(path).Length - 24) % 64);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("<f8", 8)]
    [InlineData("<i4", 4)]
    [InlineData("<i8", 8)]
    [InlineData("|u1", 1)]
    [InlineData(">f4", 4)]
    public void ReadsEveryListedTypeAndByteOrder(string descr, int size)
    {
        int[] values = [0, 1, 2, 250, 7, 9];
        var data = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> at = data.AsSpan(i * size, size);
            switch (descr)
            {
                case "<f8": BinaryPrimitives.WriteDoubleLittleEndian(at, values[i]); break;
                case "<i4": BinaryPrimitives.WriteInt32LittleEndian(at, values[i]); break;
                case "<i8": BinaryPrimitives.WriteInt64LittleEndian(at, values[i]); break;
                case "|u1": at[0] = (byte)values[i]; break;
                case ">f4": BinaryPrimitives.WriteSingleBigEndian(at, values[i]); break;
            }
        }

        NpyArray array = NpyFile.Read(new MemoryStream(Document("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (6,), }", data)), "t.npy");
        Assert.Equal(values.Select(v => (float)v), array.ToSingle());
        Assert.Equal((6, 1), array.Matrix);
        if (!descr.Contains('f')) Assert.Equal(values, array.ToInt32());
    }

    [Fact]
    public void FortranOrderIsTransposedToCOrder()
    {
        // The 2×3 matrix [[1,2,3],[4,5,6]] in Fortran order is 1,4,2,5,3,6.
        var data = new byte[24];
        float[] fortran = [1, 4, 2, 5, 3, 6];
        for (int i = 0; i < 6; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), fortran[i]);
        NpyArray array = NpyFile.Read(new MemoryStream(Document("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data, major: 2)));
        Assert.Equal([1f, 2, 3, 4, 5, 6], array.ToSingle());
    }

    public static TheoryData<byte[], string> Broken() => new()
    {
        { Encoding.ASCII.GetBytes("not numpy at all"), "magic" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000), }", new byte[16]), "holds only 16 bytes" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[12]), "4 bytes after" },
        { Document("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", new byte[16]), "'<c16' is not supported" },
        { Document("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", new byte[8]), "'|O' is not supported" },
        { Document("{'descr': '<f4', 'shape': (1,), }", new byte[4]), "no 'fortran_order'" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", new byte[4]), "non-negative integers" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", new byte[4]), "more than" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", [])[..20], "ends inside the header" },
        { [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0], "version 9.0" },
        // A missing comma is not a tuple: (3 4) was once read as 3 × 4.
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (3 4), }", new byte[48]), "expected ',' or ')' after dimension 3 in 'shape'" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4 1), }", new byte[48]), "expected ',' or ')' after dimension 4 in 'shape'" },
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (12 ,, ), }", new byte[48]), "non-negative integers" },
        // Duplicate keys were once accepted, the last one winning.
        { Document("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'shape': (2,), }", new byte[8]), "the key 'shape' appears twice; expected each of 'descr', 'fortran_order' and 'shape' once" },
        { Document("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]), "the key 'descr' appears twice" },
        { Document("{'fortran_order': True, 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", new byte[8]), "the key 'fortran_order' appears twice" },
    };

    [Theory]
    [InlineData("(3, 4)", 3, 4)]
    [InlineData("(3,4)", 3, 4)]
    [InlineData("( 3 , 4 , )", 3, 4)]
    [InlineData("(12,)", 12)]
    [InlineData("(12)", 12)]
    [InlineData("()")]
    public void ShapeTuplesWithCommasStillRead(string shape, params int[] expected)
    {
        int count = expected.Aggregate(1, (a, b) => a * b);
        NpyArray array = NpyFile.Read(new MemoryStream(Document("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", new byte[4 * count])), "t.npy");
        Assert.Equal(expected, array.Shape);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void BrokenFilesGiveOneClearError(byte[] bytes, string fragment)
    {
        string path = Temp();
        File.WriteAllBytes(path, bytes);
        try
        {
            var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
            Assert.Contains(fragment, e.Message);
            Assert.StartsWith(path + ": ", e.Message);
            Assert.DoesNotContain('\n', e.Message);
            // A non-seekable stream must fail the same way without trusting the header's size.
            var e2 = Assert.Throws<NpyFormatException>(() => NpyFile.Read(new NonSeekable(bytes), path));
            Assert.Equal(e.GetType(), e2.GetType());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FloatsAreNotLabels()
    {
        var array = NpyFile.Read(new MemoryStream(Document("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
        Assert.Throws<NpyFormatException>(() => array.ToInt32());
    }

    [Fact]
    public void ReadsTheSharedRealData()
    {
        string path = SharedData.File("digits", "X_test.npy");
        NpyArray x = NpyFile.Read(path);
        Assert.Equal((450, 64), x.Matrix);
        NpyArray y = NpyFile.Read(SharedData.File("digits", "y_test.npy"));
        Assert.All(y.ToInt32(), label => Assert.InRange(label, 0, 9));
    }

    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
