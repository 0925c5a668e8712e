namespace KernelCompiler.Tests.Hardening;

/// <summary>
/// Every public entry point of every backend at its edges: spans one element short, empty spans (zero rows is
/// valid and writes nothing), x not a whole number of rows, codes ≥ 16. Destinations sit between guard regions
/// that must come back untouched; inputs sit at the very end of their arrays, and results must not change when the
/// memory after them does.
/// </summary>
public class KernelEntryPointTests
{
    private const int Guard = 67;
    private const float FloatSentinel = -12345.678f;
    private const int IntSentinel = unchecked((int)0xDEADBEEF);
    private const byte ByteSentinel = 0xA5;

    // D not a multiple of C, odd M, C above 1; one average model; rows cross every block size.
    private static readonly LutModel[] Models =
    [
        RandomModels.Create(101, 7, 3, 3),
        RandomModels.Create(102, 33, 5, 16, LutAggregation.Average),
    ];

    private const int Rows = 37;

    public static TheoryData<string> AllBackends() => Backends.All();

    private delegate void Call(LutKernel kernel, LutModel model, int rows, int shortBy);

    // The six entry points with inputs for `rows` rows and a destination `shortBy` elements short.
    private static readonly (string Name, string Parameter, Call Call)[] ShortDestinations =
    [
        ("Encode", "codes", (k, m, r, s) => k.Encode(new float[r * m.InputDimension], new byte[r * m.Codebooks - s])),
        ("EncodeColumnMajor", "codes", (k, m, r, s) => k.EncodeColumnMajor(new float[r * m.InputDimension], new byte[r * m.Codebooks - s])),
        ("Aggregate", "sums", (k, m, r, s) => k.Aggregate(new byte[r * m.Codebooks], new int[r * m.OutputDimension - s])),
        ("Multiply(x)", "destination", (k, m, r, s) => k.Multiply(new float[r * m.InputDimension], new float[r * m.OutputDimension - s])),
        ("MultiplyColumnMajor", "destination", (k, m, r, s) => k.MultiplyColumnMajor(new float[r * m.InputDimension], new float[r * m.OutputDimension - s])),
        ("Multiply(codes)", "destination", (k, m, r, s) => k.Multiply(new byte[r * m.Codebooks], new float[r * m.OutputDimension - s])),
    ];

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void DestinationOneElementShortIsRejectedNamingTheParameter(string backend)
    {
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            foreach ((string name, string parameter, Call call) in ShortDestinations)
            {
                foreach (int rows in new[] { 1, Rows })
                {
                    var e = Assert.Throws<ArgumentException>(() => call(kernel, model, rows, 1));
                    Assert.True(parameter == e.ParamName, backend + " " + name + ": ParamName " + e.ParamName);
                }

                call(kernel, model, Rows, 0); // exactly long enough is fine
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InputNotAWholeNumberOfRowsIsRejected(string backend)
    {
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            int d = model.InputDimension, c = model.Codebooks, m = model.OutputDimension;
            foreach (int length in new[] { 1, d - 1, d + 1, Rows * d - 1, Rows * d + 1 })
            {
                var x = new float[length];
                Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Encode(x, new byte[Rows * c + c])).ParamName);
                Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.EncodeColumnMajor(x, new byte[Rows * c + c])).ParamName);
                Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Multiply(x, new float[Rows * m + m])).ParamName);
                Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.MultiplyColumnMajor(x, new float[Rows * m + m])).ParamName);
            }

            foreach (int length in new[] { 1, c - 1, c + 1, Rows * c - 1 })
            {
                if (length % c == 0) continue;
                var codes = new byte[length];
                Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Aggregate(codes, new int[Rows * m + m])).ParamName);
                Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Multiply(codes, new float[Rows * m + m])).ParamName);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void CodesOf16OrMoreAreRejectedAndNothingIsWritten(string backend)
    {
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            int c = model.Codebooks, m = model.OutputDimension;
            foreach (byte bad in new byte[] { 16, 17, 128, 255 })
            {
                foreach (int at in new[] { 0, c - 1, Rows * c / 2, Rows * c - 1 })
                {
                    var codes = new byte[Rows * c];
                    for (int i = 0; i < codes.Length; i++) codes[i] = (byte)(i % 16);
                    codes[at] = bad;
                    var sums = Filled(Rows * m, IntSentinel);
                    var y = Filled(Rows * m, FloatSentinel);
                    Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Aggregate(codes, sums)).ParamName);
                    Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Multiply(codes, y)).ParamName);
                    Assert.All(sums, v => Assert.Equal(IntSentinel, v));
                    Assert.All(y, v => Assert.Equal(FloatSentinel, v));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void ZeroRowsIsValidAndWritesNothing(string backend)
    {
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            foreach (int room in new[] { 0, 5 })
            {
                var codes = Filled(room, ByteSentinel);
                var sums = Filled(room, IntSentinel);
                var y = Filled(room, FloatSentinel);
                kernel.Encode([], codes);
                kernel.EncodeColumnMajor([], codes);
                kernel.Aggregate([], sums);
                kernel.Multiply(ReadOnlySpan<float>.Empty, y);
                kernel.MultiplyColumnMajor([], y);
                kernel.Multiply(ReadOnlySpan<byte>.Empty, y);
                Assert.All(codes, v => Assert.Equal(ByteSentinel, v));
                Assert.All(sums, v => Assert.Equal(IntSentinel, v));
                Assert.All(y, v => Assert.Equal(FloatSentinel, v));
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void WritesStayInsideTheDestinationAndResultsMatchTheReference(string backend)
    {
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            LutKernel reference = LutKernel.CreateReference(model);
            int c = model.Codebooks, m = model.OutputDimension;
            foreach (int rows in new[] { 1, 15, 16, 17, 33, 64, 65, Rows })
            {
                float[] x = KernelEquivalence.Inputs(rows * 31 + 7, model, rows);
                float[] xt = RandomModels.Transpose(x, rows, model.InputDimension);
                var expectedCodes = new byte[rows * c];
                reference.Encode(x, expectedCodes);
                var expectedSums = new int[rows * m];
                reference.Aggregate(expectedCodes, expectedSums);
                var expected = new float[rows * m];
                reference.Multiply(x, expected);

                // The destination is longer than needed: everything past rows × width must stay untouched too.
                int extra = 9;
                AssertGuarded(rows * c + extra, rows * c, ByteSentinel, d => kernel.Encode(x, d), expectedCodes, backend + " Encode rows=" + rows);
                AssertGuarded(rows * c + extra, rows * c, ByteSentinel, d => kernel.EncodeColumnMajor(xt, d), expectedCodes, backend + " EncodeColumnMajor rows=" + rows);
                AssertGuarded(rows * m + extra, rows * m, IntSentinel, d => kernel.Aggregate(expectedCodes, d), expectedSums, backend + " Aggregate rows=" + rows);
                AssertGuarded(rows * m + extra, rows * m, FloatSentinel, d => kernel.Multiply(x, d), expected, backend + " Multiply rows=" + rows);
                AssertGuarded(rows * m + extra, rows * m, FloatSentinel, d => kernel.MultiplyColumnMajor(xt, d), expected, backend + " MultiplyColumnMajor rows=" + rows);
                AssertGuarded(rows * m + extra, rows * m, FloatSentinel, d => kernel.Multiply(expectedCodes, d), expected, backend + " Multiply(codes) rows=" + rows);
            }
        }
    }

    private delegate void Fill<T>(Span<T> destination);

    private static void AssertGuarded<T>(int length, int written, T sentinel, Fill<T> call, T[] expected, string what)
        where T : IEquatable<T>
    {
        T[] buffer = Filled(Guard + length + Guard, sentinel);
        call(buffer.AsSpan(Guard, length));
        for (int i = 0; i < buffer.Length; i++)
        {
            int j = i - Guard;
            bool inside = j >= 0 && j < written;
            if (inside)
            {
                Assert.True(expected[j].Equals(buffer[i]), what + ": element " + j + " is " + buffer[i] + ", expected " + expected[j]);
            }
            else
            {
                Assert.True(sentinel.Equals(buffer[i]), what + ": wrote " + buffer[i] + " at offset " + j + " outside the " + written + " results");
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void InputsAtTheEndOfTheirBufferAreReadNoFurther(string backend)
    {
        // Each input is the tail of its array (nothing after it), and also followed by two different tails of junk
        // (NaN, huge values, codes ≥ 16): a read past the span would change a result.
        foreach (LutModel model in Models)
        {
            LutKernel kernel = Backends.Create(backend, model);
            int c = model.Codebooks, m = model.OutputDimension;
            foreach (int rows in new[] { 1, 3, 16, 17, 63, Rows })
            {
                float[] x = KernelEquivalence.Inputs(rows * 13 + 1, model, rows);
                float[] xt = RandomModels.Transpose(x, rows, model.InputDimension);
                var codes = new byte[rows * c];
                kernel.Encode(x, codes);
                string what = backend + " " + model.Name + " rows=" + rows;

                AssertTailIndependent<float, byte>(x, [float.NaN, float.MaxValue, -1e30f, 3], (input, d) => kernel.Encode(input, d), rows * c, what + " Encode");
                AssertTailIndependent<float, byte>(xt, [float.NaN, float.MaxValue, -1e30f, 3], (input, d) => kernel.EncodeColumnMajor(input, d), rows * c, what + " EncodeColumnMajor");
                AssertTailIndependent<byte, int>(codes, [255, 16, 15, 7], (input, d) => kernel.Aggregate(input, d), rows * m, what + " Aggregate");
                AssertTailIndependent<float, float>(x, [float.NaN, float.MaxValue, -1e30f, 3], (input, d) => kernel.Multiply(input, d), rows * m, what + " Multiply");
                AssertTailIndependent<float, float>(xt, [float.NaN, float.MaxValue, -1e30f, 3], (input, d) => kernel.MultiplyColumnMajor(input, d), rows * m, what + " MultiplyColumnMajor");
                AssertTailIndependent<byte, float>(codes, [255, 16, 15, 7], (input, d) => kernel.Multiply(input, d), rows * m, what + " Multiply(codes)");
            }
        }
    }

    private delegate void Run<TIn, TOut>(ReadOnlySpan<TIn> input, Span<TOut> destination);

    private static void AssertTailIndependent<TIn, TOut>(TIn[] input, TIn[] junk, Run<TIn, TOut> run, int outputs, string what)
        where TOut : IEquatable<TOut>
    {
        // At the very end of a larger array that starts with junk, then followed by two different junk tails.
        var atEnd = new TIn[input.Length + 64];
        for (int i = 0; i < 64; i++) atEnd[i] = junk[i % junk.Length];
        input.CopyTo(atEnd, 64);
        var first = new TOut[outputs];
        run(atEnd.AsSpan(64), first);

        for (int variant = 0; variant < 2; variant++)
        {
            var padded = new TIn[input.Length + 256];
            input.CopyTo(padded, 0);
            for (int i = input.Length; i < padded.Length; i++) padded[i] = junk[(i + variant) % junk.Length];
            var again = new TOut[outputs];
            run(padded.AsSpan(0, input.Length), again);
            for (int i = 0; i < outputs; i++)
            {
                Assert.True(first[i].Equals(again[i]), what + ": result " + i + " changed with the memory after the input");
            }
        }
    }

    private static T[] Filled<T>(int length, T value)
    {
        var array = new T[length];
        Array.Fill(array, value);
        return array;
    }
}
