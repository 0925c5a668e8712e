using System.Buffers.Binary;
using System.Text;

namespace KernelCompiler.Cli.Tests;

/// <summary>Hand-built .npy files for the cases NpyFile.Write does not produce.</summary>
public static class NpyBytes
{
    public static byte[] Float64(double[] values, params int[] shape)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), values[i]);
        return Build("<f8", shape, data);
    }

    public static byte[] Build(string descr, int[] shape, byte[] data)
    {
        string dims = string.Join(", ", shape) + (shape.Length == 1 ? "," : "");
        string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = 10 + dict.Length + 1;
        string header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 };
        bytes.Add((byte)header.Length);
        bytes.Add((byte)(header.Length >> 8));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }
}
