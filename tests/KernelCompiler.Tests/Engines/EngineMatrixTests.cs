namespace KernelCompiler.Tests.Engines;

/// <summary>
/// The engine matrix: every case of <see cref="EngineMatrixCases"/> through every engine of <see cref="EngineMatrix"/>,
/// each operation in both layouts, against the reference: codes, integer sums and output float bits identical.
/// Inputs sit inside larger buffers and outputs inside guarded ones, so a read or write past the caller's spans
/// changes a result or a guard.
/// </summary>
public class EngineMatrixTests
{
    private const int Guard = 67;
    private const float Poison = 1.5e38f;
    private const int IntSentinel = unchecked((int)0xDEADBEEF);
    private const byte Sentinel = 0xA5;

    public static TheoryData<string, string> EnginesAndCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var engine in EngineMatrix.Engines)
        {
            foreach (string name in EngineMatrixCases.Names)
            {
                if (!engine.Name.StartsWith("generated-", StringComparison.Ordinal) || GeneratedEngine.Runs(EngineMatrixCases.Get(name).Model))
                {
                    data.Add(engine.Name, name);
                }
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(EnginesAndCases))]
    public void MatchesTheReference(string engine, string caseName)
    {
        MatrixCase c = EngineMatrixCases.Get(caseName);
        MatrixCase.Expected expected = c.Reference;
        LutKernel kernel = EngineMatrix.Create(engine, c.Model);
        string where = engine + " on " + c;
        int cb = c.Model.Codebooks, m = c.Model.OutputDimension;

        var codes = Guarded<byte>(c.Rows * cb, Sentinel);
        kernel.Encode(Inside(c.X), codes.AsSpan(Guard, c.Rows * cb));
        AssertGrid(expected.Codes, codes, cb, Sentinel, where + ", Encode");

        codes = Guarded<byte>(c.Rows * cb, Sentinel);
        kernel.EncodeColumnMajor(Inside(expected.XColumnMajor), codes.AsSpan(Guard, c.Rows * cb));
        AssertGrid(expected.Codes, codes, cb, Sentinel, where + ", EncodeColumnMajor");

        var sums = Guarded(c.Rows * m, IntSentinel);
        kernel.Aggregate(Inside(expected.Codes), sums.AsSpan(Guard, c.Rows * m));
        AssertGrid(expected.Sums, sums, m, IntSentinel, where + ", Aggregate");

        sums = Guarded(c.Rows * m, IntSentinel);
        kernel.Aggregate(Inside(c.RandomCodes), sums.AsSpan(Guard, c.Rows * m));
        AssertGrid(expected.RandomSums, sums, m, IntSentinel, where + ", Aggregate (random codes)");

        int[] expectedBits = Bits(expected.Outputs);
        var y = Guarded(c.Rows * m, float.NaN);
        kernel.Multiply(Inside(c.X), y.AsSpan(Guard, c.Rows * m));
        AssertGrid(expectedBits, Bits(y), m, Bits([float.NaN])[0], where + ", Multiply");

        y = Guarded(c.Rows * m, float.NaN);
        kernel.MultiplyColumnMajor(Inside(expected.XColumnMajor), y.AsSpan(Guard, c.Rows * m));
        AssertGrid(expectedBits, Bits(y), m, Bits([float.NaN])[0], where + ", MultiplyColumnMajor");

        y = Guarded(c.Rows * m, float.NaN);
        kernel.Multiply(Inside(expected.Codes), y.AsSpan(Guard, c.Rows * m));
        AssertGrid(expectedBits, Bits(y), m, Bits([float.NaN])[0], where + ", Multiply (codes)");

        y = Guarded(c.Rows * m, float.NaN);
        kernel.Multiply(Inside(c.RandomCodes), y.AsSpan(Guard, c.Rows * m));
        AssertGrid(Bits(expected.RandomOutputs), Bits(y), m, Bits([float.NaN])[0], where + ", Multiply (random codes)");
    }

    [Theory]
    [MemberData(nameof(EngineMatrix.Names), MemberType = typeof(EngineMatrix))]
    public void ReportsItsBackendAndModel(string engine)
    {
        var model = RandomModels.Create(5, 9, 2, 3);
        LutKernel kernel = EngineMatrix.Create(engine, model);
        Assert.StartsWith(kernel.Backend, engine);
        Assert.Same(model, kernel.Model);
    }

    [Theory]
    [MemberData(nameof(EngineMatrix.Names), MemberType = typeof(EngineMatrix))]
    public void ChecksArgumentsLikeTheReference(string engine)
    {
        LutKernel kernel = EngineMatrix.Create(engine, RandomModels.Create(1, 6, 2, 3));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Encode(new float[7], new byte[3])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Encode(new float[12], new byte[5])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[6], new float[1])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Multiply(new byte[] { 1, 2, 16 }, new float[2])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Aggregate(new byte[4], new int[4])).ParamName);
    }

    /// <summary>The values inside a buffer of poison, so a read before or after the span cannot go unnoticed
    /// (poison sits above every finite threshold but MaxValue; codes 15 everywhere around).</summary>
    private static ReadOnlySpan<float> Inside(float[] values)
    {
        var buffer = new float[values.Length + 2 * Guard];
        buffer.AsSpan().Fill(Poison);
        values.CopyTo(buffer, Guard);
        return buffer.AsSpan(Guard, values.Length);
    }

    private static ReadOnlySpan<byte> Inside(byte[] values)
    {
        var buffer = new byte[values.Length + 2 * Guard];
        buffer.AsSpan().Fill(15);
        values.CopyTo(buffer, Guard);
        return buffer.AsSpan(Guard, values.Length);
    }

    private static T[] Guarded<T>(int length, T sentinel)
    {
        var buffer = new T[length + 2 * Guard];
        buffer.AsSpan().Fill(sentinel);
        return buffer;
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Equal element by element (row r, column k of a grid <paramref name="width"/> wide), guards intact;
    /// the first difference is reported by position.</summary>
    private static void AssertGrid<T>(T[] expected, T[] guarded, int width, T sentinel, string what)
        where T : IEquatable<T>
    {
        for (int i = 0; i < Guard; i++)
        {
            Assert.True(guarded[i].Equals(sentinel), what + ": wrote before the destination (index " + (i - Guard) + ")");
            Assert.True(guarded[Guard + expected.Length + i].Equals(sentinel), what + ": wrote past the destination (index " +
                (expected.Length + i) + ")");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            T actual = guarded[Guard + i];
            if (!actual.Equals(expected[i]))
            {
                Assert.Fail(what + ": row " + i / width + ", column " + i % width + ": expected " + expected[i] + ", got " + actual);
            }
        }
    }
}
