using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace KernelCompiler.Tests;

/// <summary>
/// Real test rows of ../shared/data for the engine matrix. Trained models come later, so each set gets a random
/// model of its D and M whose thresholds are values of the very columns they split, so codes spread over all 16
/// buckets as a trained model's would.
/// </summary>
public static class EngineMatrixData
{
    public sealed record DataSet(string Name, int Rows, int Outputs, int Codebooks, LutAggregation Aggregation);

    public static readonly DataSet[] Sets =
    [
        new("digits", 450, 10, 16, LutAggregation.Exact),
        new("mnist-mlp512", 2000, 10, 32, LutAggregation.Average),
        new("im2col-photos", 3000, 3, 9, LutAggregation.Exact),
    ];

    public static MatrixCase Case(DataSet set)
    {
        string path = Path.Combine(DataDirectory(), set.Name, "X_test.npy");
        var (x, rows, d) = ReadFloatMatrix(path, set.Rows);
        var rng = new Random(set.Name.Length * 7919 + rows);
        int c = set.Codebooks, m = set.Outputs;
        var splits = new int[c * 4];
        var thresholds = new float[c * 15];
        for (int i = 0; i < c; i++)
        {
            for (int level = 0; level < 4; level++)
            {
                int dim = rng.Next(d);
                splits[i * 4 + level] = dim;
                for (int node = 0; node < 1 << level; node++)
                {
                    thresholds[i * 15 + (1 << level) - 1 + node] = x[rng.Next(rows) * d + dim];
                }
            }
        }

        var tables = new byte[m * c * 16];
        rng.NextBytes(tables);
        var steps = Enumerable.Range(0, m).Select(_ => (float)(rng.NextDouble() * 0.01 + 1e-4)).ToArray();
        var offsets = Enumerable.Range(0, m).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var model = new LutModel(d, m, splits, thresholds, tables, steps, offsets, set.Aggregation, name: set.Name);
        return new MatrixCase("data-" + set.Name, model, x, rows);
    }

    /// <summary>../shared/data beside the repository root (the folder holding KernelCompiler.sln).</summary>
    public static string DataDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KernelCompiler.sln")))
            {
                string data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
                if (!Directory.Exists(data))
                {
                    throw new DirectoryNotFoundException("The real-data tests need " + data + " (see its README).");
                }

                return data;
            }
        }

        throw new DirectoryNotFoundException("KernelCompiler.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The first <paramref name="maxRows"/> rows of a 2-D little-endian float32 C-order .npy file. A tiny
    /// reader for these tests only: the library's own .npy support belongs to the IO folder.</summary>
    public static (float[] Values, int Rows, int Columns) ReadFloatMatrix(string path, int maxRows)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        byte[] magic = reader.ReadBytes(6);
        if (magic.Length != 6 || magic[0] != 0x93 || Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException(path + " is not a .npy file.");
        }

        byte major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : checked((int)reader.ReadUInt32());
        string header = Encoding.Latin1.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'descr': '<f4'") || !header.Contains("'fortran_order': False"))
        {
            throw new InvalidDataException(path + ": expected little-endian float32 in C order, found " + header.Trim());
        }

        var shape = Regex.Match(header, @"'shape': \((\d+), (\d+)\)");
        if (!shape.Success)
        {
            throw new InvalidDataException(path + ": expected a 2-D array, found " + header.Trim());
        }

        int rows = Math.Min(maxRows, int.Parse(shape.Groups[1].Value));
        int columns = int.Parse(shape.Groups[2].Value);
        byte[] bytes = reader.ReadBytes(checked(rows * columns * 4));
        if (bytes.Length != rows * columns * 4)
        {
            throw new InvalidDataException(path + " ends early.");
        }

        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
        }

        return (values, rows, columns);
    }
}
