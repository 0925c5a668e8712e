using System.Globalization;

namespace KernelCompiler.Generators.Tests;

/// <summary>The program a user's console project runs in the consumer tests: a <c>[LutKernel]</c> class on
/// <c>models/digits.lut.json</c> that encodes, aggregates and multiplies the float32 rows of a raw file and prints
/// codes, sums and output bits; <see cref="AssertPrintsReferenceResults"/> holds the output to the reference kernel.</summary>
public static class ConsumerProgram
{
    public const string ModelPath = "models/digits.lut.json";

    public const string Source = $$"""
        using System;
        using System.Globalization;
        using System.IO;
        using System.Runtime.InteropServices;

        byte[] bytes = File.ReadAllBytes(args[0]);
        float[] x = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        int rows = x.Length / DigitsKernel.InputDimension;
        var codes = new byte[rows * DigitsKernel.Codebooks];
        var sums = new int[rows * DigitsKernel.OutputDimension];
        var y = new float[rows * DigitsKernel.OutputDimension];
        DigitsKernel.Encode(x, codes);
        DigitsKernel.Aggregate(codes, sums);
        DigitsKernel.Multiply(x, y);
        Console.WriteLine("codes " + string.Join(" ", codes));
        Console.WriteLine("sums " + string.Join(" ", sums));
        Console.WriteLine("outputs " + string.Join(" ", Array.ConvertAll(y, v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))));

        [KernelCompiler.LutKernel("{{ModelPath}}")]
        public static partial class DigitsKernel { }
        """;

    /// <summary>Writes <paramref name="x"/> as the raw little-endian float32 file the program reads.</summary>
    public static void WriteRows(string path, float[] x) => File.WriteAllBytes(path, x.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>The program's output must be the reference kernel's codes, sums and output bits for the same rows.</summary>
    public static void AssertPrintsReferenceResults(string output, LutModel model, float[] x)
    {
        int rows = x.Length / model.InputDimension;
        LutKernel reference = LutKernel.CreateReference(model);
        var codes = new byte[rows * model.Codebooks];
        var sums = new int[rows * model.OutputDimension];
        var y = new float[rows * model.OutputDimension];
        reference.Encode(x, codes);
        reference.Aggregate(codes, sums);
        reference.Multiply(x, y);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("codes " + string.Join(" ", codes), lines[0]);
        Assert.Equal("sums " + string.Join(" ", sums), lines[1]);
        Assert.Equal("outputs " + string.Join(" ",
            y.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture))), lines[2]);
    }
}
