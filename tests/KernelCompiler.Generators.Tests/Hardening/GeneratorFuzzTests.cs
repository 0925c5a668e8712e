using System.Threading;
using CsCheck;
using KernelCompiler.Tests;
using KernelCompiler.Tests.Hardening;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace KernelCompiler.Generators.Tests.Hardening;

/// <summary>
/// Hostile model files through the real incremental generator (in memory, <see cref="GeneratorHarness"/>): valid
/// models mutated by <see cref="JsonMutator"/> must give either a kernel that compiles without a warning (in a
/// project that checks its XML documentation, as one with <c>GenerateDocumentationFile</c> and warnings as errors
/// does) or exactly one LUTK002 carrying the runtime loader's own message; never an exception out of the generator,
/// never LUTK006. CI runs a pass over fixed seeds; KERNELC_FUZZ_SECONDS / KERNELC_FUZZ_ITERATIONS run it longer
/// (docs/fuzzing.md).
/// </summary>
public class GeneratorFuzzTests(ITestOutputHelper output)
{
    private const string ModelPath = "models/m.lut.json";

    private const string Source = """
        namespace Fuzz
        {
            /// <summary>A kernel on a fuzzed model.</summary>
            [KernelCompiler.LutKernel("models/m.lut.json")]
            public static partial class MKernel { }
        }
        """;

    [Fact]
    public void MutatedModelsGiveAKernelThatCompilesOrOneLutk002()
    {
        int valid = 0, invalid = 0;
        FuzzBudget.Run(
            Gen.Select(ModelDocuments.ValidModels, ModelDocuments.Mutations),
            t =>
            {
                if (Check(JsonMutator.Apply(t.Item1.ToJson(), t.Item2))) Interlocked.Increment(ref valid);
                else Interlocked.Increment(ref invalid);
            },
            ciIterations: 300, output,
            print: t => JsonMutator.Show(JsonMutator.Apply(t.Item1.ToJson(), t.Item2)));
        output.WriteLine(valid + " mutated models were valid and compiled, " + invalid + " gave LUTK002");
        Assert.True(valid > 0 && invalid > 0, "the mutations should make both valid and invalid models");
    }

    /// <summary>Small valid networks: LUT → LUT (folded thresholds), LUT → exact → LUT, average aggregation.</summary>
    private static readonly Gen<string> ValidNetworks =
        from seed in Gen.Int[0, 1_000_000]
        from shape in Gen.Int[0, 2]
        select SmallNetwork(seed, shape).ToJson();

    private static LutNetwork SmallNetwork(int seed, int shape)
    {
        NetworkLayer[] layers = shape switch
        {
            0 => [new LutLayer(RandomModels.Create(seed, 12, 9, 3), LayerActivation.Relu), new LutLayer(RandomModels.Create(seed + 1, 9, 4, 2))],
            1 => [new LutLayer(RandomModels.Create(seed, 10, 6, 2), LayerActivation.Relu),
                  new DenseLayer(6, 5, Enumerable.Range(0, 30).Select(i => (i % 7) / 7f - 0.4f).ToArray(), new float[5], LayerActivation.Relu),
                  new LutLayer(RandomModels.Create(seed + 2, 5, 3, 1))],
            _ => [new LutLayer(RandomModels.Create(seed, 16, 8, 4, LutAggregation.Average), LayerActivation.Relu),
                  new LutLayer(RandomModels.Create(seed + 3, 8, 2, 2, LutAggregation.Average))],
        };
        return new LutNetwork("fuzz-" + seed, NetworkInput.Flat(layers[0].InputDimension), layers);
    }

    /// <summary>Network files mutated as the model files above: a network kernel that compiles without a warning, or
    /// one LUTK002 with the loader's message (the network loader's for documents that still declare version 2 and a
    /// kind, else the model loader's); never LUTK006.</summary>
    [Fact]
    public void MutatedNetworksGiveAKernelThatCompilesOrOneLutk002()
    {
        int valid = 0, invalid = 0;
        FuzzBudget.Run(
            Gen.Select(ValidNetworks, ModelDocuments.Mutations),
            t =>
            {
                if (Check(JsonMutator.Apply(t.Item1, t.Item2))) Interlocked.Increment(ref valid);
                else Interlocked.Increment(ref invalid);
            },
            ciIterations: 150, output,
            print: t => JsonMutator.Show(JsonMutator.Apply(t.Item1, t.Item2)));
        output.WriteLine(valid + " mutated networks were valid and compiled, " + invalid + " gave LUTK002");
        Assert.True(valid > 0 && invalid > 0, "the mutations should make both valid and invalid networks");
    }

    // Names and producers are free text that the writer puts into comments, XML documentation and string constants.
    private static readonly Gen<string> OddText = Gen.Frequency(
        (2, Gen.OneOfConst("*/", "/*", "// x", "\"", "\\", "\\u0041", "</summary>", "<c>&amp;</c>", "]]>", "a\r\nb", "\u2028", "\u2029",
            "\u0085", "\u000B", "\0", "#error x", "\uFFFE", "\uFFFF", "\uD800", "x\uDC00", "\uD83D\uDE00", "\u202E", "\uFEFF", "}}{{",
            "\"\"\"", "@\"", "{0}", "\t", " ", "\u00A0", new string('n', 256), new string('n', 257), "")),
        (3, Gen.Char.Array[1, 40].Select(chars => new string(chars))),
        (1, Gen.String));

    private static readonly float[] SpecialFloats =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1.17549435E-38f, -1.17549421E-38f,
        16777217f, 0.1f, 1f / 3, 1e-7f, 123456789f, 3.4028233E+38f,
    ];

    private static readonly Gen<float> Finite =
        Gen.Frequency((3, Gen.Float.Where(float.IsFinite)), (2, Gen.OneOfConst(SpecialFloats)), (2, Gen.Float[-3f, 3f]));

    /// <summary>Valid models at the edges of what the format allows: any finite thresholds, steps and offsets,
    /// average and exact aggregation, sometimes more codebooks than the unrolled kernel takes (table-driven), and odd
    /// names and producers, which the loader may still refuse (length, lone surrogates): then it is LUTK002.</summary>
    private static readonly Gen<string> EdgeDocuments =
        from shape in Gen.Select(Gen.Int[1, 9], Gen.Int[1, 4], Gen.Frequency((10, Gen.OneOfConst(1, 2, 3, 4, 8)), (2, Gen.Const(16)), (1, Gen.Const(33))))
        from thresholds in Finite.Array[shape.Item3 * 15]
        from steps in Finite.Select(MathF.Abs).Where(f => f > 0).Array[shape.Item2]
        from offsets in Finite.Array[shape.Item2]
        from seed in Gen.Int[0, 1_000_000]
        from average in Gen.Bool
        from name in OddText
        from producer in OddText
        from escaped in Gen.Bool
        select EdgeDocument(shape.Item1, shape.Item2, shape.Item3, thresholds, steps, offsets, seed, average, name, producer, escaped);

    private static string EdgeDocument(int d, int m, int c, float[] thresholds, float[] steps, float[] offsets, int seed,
        bool average, string name, string producer, bool escaped)
    {
        LutModel shape = RandomModels.Create(seed, d, m, c);
        var tables = new byte[m * c * 16];
        new Random(seed).NextBytes(tables);
        var model = new LutModel(d, m, shape.SplitDimensions.ToArray(), thresholds, tables, steps, offsets,
            average && c is not (3 or 33) ? LutAggregation.Average : LutAggregation.Exact, null, "placeholder", "placeholder");
        // The text goes in as JSON: every character escaped as \uXXXX where the serializer likes, or raw except the
        // quote, the backslash and control characters.
        return model.ToJson()
            .Replace("\"name\": \"placeholder\"", "\"name\": " + Json(name, escaped))
            .Replace("\"producer\": \"placeholder\"", "\"producer\": " + Json(producer, escaped));
    }

    private static string Json(string text, bool escaped)
    {
        if (escaped) return System.Text.Json.JsonSerializer.Serialize(text);
        var sb = new System.Text.StringBuilder("\"");
        foreach (char ch in text)
        {
            if (ch is '"' or '\\') sb.Append('\\').Append(ch);
            else if (ch < ' ') sb.Append("\\u").Append(((int)ch).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            else sb.Append(ch);
        }

        return sb.Append('"').ToString();
    }

    [Fact]
    public void ModelsAtTheEdgesOfTheFormatGiveAKernelThatCompilesOrOneLutk002()
    {
        int valid = 0, invalid = 0;
        FuzzBudget.Run(
            EdgeDocuments,
            text =>
            {
                if (Check(text)) Interlocked.Increment(ref valid);
                else Interlocked.Increment(ref invalid);
            },
            ciIterations: 30, output, print: JsonMutator.Show);
        output.WriteLine(valid + " models were valid and compiled, " + invalid + " gave LUTK002");
        Assert.True(valid > invalid, "most edge models should be valid");
    }

    public static TheoryData<string> LoaderCorpus()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(Repository.Root, "tests", "KernelCompiler.Tests", "Corpus", "model")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    /// <summary>Every model file that once broke the loader (tests/KernelCompiler.Tests/Corpus/model) is one LUTK002
    /// in the generator too: deep nesting does not overflow the compiler's stack, declared sizes are not
    /// allocated.</summary>
    [Theory]
    [MemberData(nameof(LoaderCorpus))]
    public void LoaderCorpusGivesLutk002(string name)
    {
        string text = File.ReadAllText(Path.Combine(Repository.Root, "tests", "KernelCompiler.Tests", "Corpus", "model", name));
        Assert.False(Check(text));
    }

    /// <summary>Runs the generator on <paramref name="text"/> as models/m.lut.json. Returns true for a valid model
    /// (a kernel was generated and compiles cleanly), false for an invalid one (one LUTK002, the loader's message);
    /// anything else fails.</summary>
    public static bool Check(string text)
    {
        // The generator reads a model, or a network where the model loader says the document is one (version 2 with
        // a kind).
        LutModel? model = null;
        LutModelException? error = null;
        try
        {
            model = LutModel.Parse(text, ModelPath);
        }
        catch (LutModelException e) when (e.Message.Contains("is a network file", StringComparison.Ordinal))
        {
            try
            {
                LutNetwork.Parse(text, ModelPath);
            }
            catch (LutModelException n)
            {
                error = n;
            }
        }
        catch (LutModelException e)
        {
            error = e;
        }

        // Run asserts that no exception escaped the generator.
        GeneratorHarness.GeneratorRun run = GeneratorHarness.Run(Source, [GeneratorHarness.File(ModelPath, text)],
            knowProjectDirectory: true, GeneratorHarness.DocumentedParseOptions);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "LUTK006");
        if (error is not null)
        {
            Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
            Assert.Equal("LUTK002", diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal("The model for 'Fuzz.MKernel' is invalid: " + error.Message, diagnostic.GetMessage());
            Assert.Empty(run.Sources);
            return false;
        }

        // A valid model: at most the table-driven Info, one source naming the model's hash, and a compilation without
        // a warning or error (generated code included).
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
        Assert.Contains(model is not null ? model.ComputeSha256() : "MADDNESS network kernel", run.SingleSource);
        Assert.Empty(run.Problems);
        return true;
    }
}
