using System.Buffers.Binary;
using System.Text;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Builds .npy documents byte by byte, including ones whose header lies.</summary>
public static class NpyDocuments
{
    public static byte[] Build(int version, string descr, bool fortran, string shapeText, ReadOnlySpan<byte> data, long? headerLength = null)
    {
        string dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shapeText + ", }";
        return BuildRaw(version, dict, data, headerLength);
    }

    /// <summary>Any header text; the length field says <paramref name="headerLength"/> when given (a lie).</summary>
    public static byte[] BuildRaw(int version, string dict, ReadOnlySpan<byte> data, long? headerLength = null)
    {
        int lengthBytes = version == 1 ? 2 : 4;
        int unpadded = 8 + lengthBytes + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        byte[] headerBytes = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        var result = new List<byte>([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        var len = new byte[lengthBytes];
        long declared = headerLength ?? headerBytes.Length;
        if (version == 1) BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)declared);
        else BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)declared);
        result.AddRange(len);
        result.AddRange(headerBytes);
        result.AddRange(data.ToArray());
        return result.ToArray();
    }

    public static string ShapeText(int[] shape) => "(" + string.Join(", ", shape) + (shape.Length == 1 ? ",)" : ")");
}
