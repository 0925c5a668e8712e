using System.Globalization;

namespace KernelCompiler.Tests.Model;

public class ModelFileTests
{
    [Theory]
    [InlineData(LutAggregation.Exact, false)]
    [InlineData(LutAggregation.Average, true)]
    public void RoundTripsBitForBit(LutAggregation aggregation, bool prototypes)
    {
        var model = RandomModels.Create(7, 11, 3, 4, aggregation, prototypes);
        LutModel back = LutModel.Parse(model.ToJson());
        AssertSame(model, back);
        Assert.Equal(model.ToJson(), back.ToJson());
    }

    [Fact]
    public void ExtremeFloatsRoundTrip()
    {
        float[] values = [float.MaxValue, float.Epsilon, -float.Epsilon, -0f, 1e-38f, 0.1f, 1f / 3, -123456.789f, 16777217f];
        var thresholds = new float[15];
        for (int i = 0; i < 15; i++) thresholds[i] = values[i % values.Length];
        var model = new LutModel(2, 1, [0, 1, 0, 1], thresholds, new byte[16], [float.Epsilon], [-0f]);
        LutModel back = LutModel.Parse(model.ToJson());
        Assert.Equal(model.Thresholds.ToArray().Select(BitConverter.SingleToInt32Bits), back.Thresholds.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(back.Offsets[0]));
    }

    [Theory]
    // Escaped (Regex.Unescape) so that test names and result files never carry the characters themselves.
    [InlineData(@"random-\uD800", "$.name", 7, "unpaired surrogate (U+D800)")]
    [InlineData(@"\uDC00x", "$.name", 0, "unpaired surrogate (U+DC00)")]
    [InlineData(@"x\uDE00\uD83D", "$.name", 1, "unpaired surrogate (U+DE00)")]
    [InlineData(@"model\uFFFE", "$.name", 5, "noncharacter (U+FFFE)")]
    [InlineData(@"\uFFFF", "$.name", 0, "noncharacter (U+FFFF)")]
    public void NamesThatAFileOrXmlCannotHoldAreRefused(string escapedName, string path, int index, string what)
    {
        string name = System.Text.RegularExpressions.Regex.Unescape(escapedName);
        // Such a name was once accepted (from the constructor, or escaped in a file): Save then failed with an
        // EncoderFallbackException for an unpaired surrogate, and the generated kernel's XML documentation was
        // malformed for all of these (CS1570; a build error with GenerateDocumentationFile and warnings as errors).
        // Found by GeneratorFuzzTests.
        var e = Assert.Throws<LutModelException>(() => new LutModel(2, 1, [0, 1, 0, 1], new float[15], new byte[16], [1f], [0f], name: name));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains("character " + index + " is ", e.Problem);
        Assert.Contains(what, e.Problem);
        e = Assert.Throws<LutModelException>(() => new LutModel(2, 1, [0, 1, 0, 1], new float[15], new byte[16], [1f], [0f], producer: name));
        Assert.Equal("$.producer", e.JsonPath);

        // In a file: raw, and escaped as JSON allows.
        string json = new LutModel(2, 1, [0, 1, 0, 1], new float[15], new byte[16], [1f], [0f], name: "placeholder").ToJson();
        string escaped = string.Concat(name.Select(ch => ch < 128 ? ch.ToString() : "\\u" + ((int)ch).ToString("x4", CultureInfo.InvariantCulture)));
        foreach (string text in new[] { name, escaped })
        {
            e = Assert.Throws<LutModelException>(() => LutModel.Parse(json.Replace("placeholder", text), "m.lut.json"));
            Assert.Equal("$.name", e.JsonPath);
            Assert.Contains(what, e.Problem);
        }
    }

    [Theory]
    [InlineData(@"\uD83D\uDE00 smile")]
    [InlineData(@"\uFDD0\u2028\u0085\u0001\u00e9")]
    public void TextWithSurrogatePairsAndOtherCharactersRoundTripsThroughAFile(string escapedName)
    {
        string name = System.Text.RegularExpressions.Regex.Unescape(escapedName);
        string path = Path.Combine(Path.GetTempPath(), "kc-name-" + Guid.NewGuid().ToString("N") + ".lut.json");
        try
        {
            var model = new LutModel(2, 1, [0, 1, 0, 1], new float[15], new byte[16], [1f], [0f], name: name, producer: name);
            model.Save(path);
            LutModel back = LutModel.Load(path);
            Assert.Equal(name, back.Name);
            Assert.Equal(name, back.Producer);
            Assert.Equal(model.ComputeSha256(), back.ComputeSha256());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CultureDoesNotReachTheFile()
    {
        var model = RandomModels.Create(2, 5, 2, 2);
        string invariant = model.ToJson();
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // A culture with a decimal comma and a non-ASCII minus sign.
            var hostile = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            hostile.NumberFormat.NumberDecimalSeparator = ",";
            hostile.NumberFormat.NegativeSign = "\u2212";
            CultureInfo.CurrentCulture = hostile;
            Assert.Equal(invariant, model.ToJson());
            AssertSame(model, LutModel.Parse(invariant));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void SaveAndLoadThroughAFile()
    {
        var model = RandomModels.Create(9, 8, 2, 2);
        string path = Path.Combine(Path.GetTempPath(), "kc-" + Guid.NewGuid().ToString("N") + ".lut.json");
        try
        {
            model.Save(path);
            model.Save(path); // replacing an existing file goes through the same temp-and-rename
            AssertSame(model, LutModel.Load(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".*.tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, string, string> BrokenDocuments()
    {
        string good = RandomModels.Create(1, 6, 2, 2).ToJson();
        return new TheoryData<string, string, string>
        {
            { "", "$", "unexpected end" },
            { "{", "$", "line 1, column 2" },
            { "[1,2]", "$", "found an array; expected an object" },
            { good.Replace("\"kernelcompiler-lut\"", "\"other\""), "$.format", "\"other\"" },
            { good.Replace("\"version\": 1", "\"version\": 2"), "$.version", "version 2 is not supported" },
            { good.Replace("\"inputDimension\": 6", "\"inputDimension\": 0"), "$.inputDimension", "value 0" },
            { good.Replace("\"inputDimension\": 6", "\"inputDimension\": 1.5"), "$.inputDimension", "expected an integer" },
            { good.Replace("\"outputDimension\": 2", "\"outputDimension\": 99999999"), "$.outputDimension", "value 99999999" },
            { good.Replace("\"aggregation\": \"exact\"", "\"aggregation\": \"mean\""), "$.aggregation", "\"mean\"" },
            { good.Replace("\"name\"", "\"nmae\""), "$.nmae", "unknown property" },
            { good.Replace("\"steps\": [", "\"steps\": [0, "), "$.steps", "has 3 entries; expected 2" },
            { Replace(good, "\"steps\": [", "\"steps\": [-1, ", "\"steps\": [-1, 1]"), "$.steps[0]", "greater than 0" },
            { good.Replace("{ \"splitDimensions\": [", "{ \"splitDimensions\": [6, "), "$.codebooks[0].splitDimensions", "has 5 entries" },
            { good.Replace("\"tables\": [", "\"tables\": [[\"00\"], "), "$.tables", "has 3 entries; expected 2" },
            { good + "x", "$", "unexpected text after the end" },
            { good.Replace("\"name\": ", "\"name\": \"a\", \"name\": "), "$", "duplicate property \"name\"" },
            { new string('[', 10000), "$", "nesting deeper than" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenDocuments))]
    public void BrokenDocumentsNameTheFieldAndTheValue(string json, string path, string fragment)
    {
        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(json, "broken.lut.json"));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(fragment, e.Message);
        Assert.StartsWith("broken.lut.json: " + path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SplitDimensionOutsideTheInputIsRejectedWithItsPath()
    {
        string json = RandomModels.Create(1, 6, 2, 2).ToJson();
        int at = json.IndexOf("\"splitDimensions\": [", StringComparison.Ordinal) + "\"splitDimensions\": [".Length;
        int end = json.IndexOf(',', at);
        json = json[..at] + "6" + json[end..];
        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(json));
        Assert.Equal("$.codebooks[0].splitDimensions[0]", e.JsonPath);
        Assert.Contains("value 6", e.Message);
        Assert.Contains("0 to 5", e.Message);
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-1e39")]
    public void ThresholdsMustBeFiniteFloat32(string literal)
    {
        string json = RandomModels.Create(1, 6, 2, 2).ToJson();
        int at = json.IndexOf("\"thresholds\": [[", StringComparison.Ordinal) + "\"thresholds\": [[".Length;
        int end = json.IndexOf(']', at);
        json = json[..at] + literal + json[end..];
        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(json));
        Assert.Equal("$.codebooks[0].thresholds[0][0]", e.JsonPath);
        Assert.Contains(literal, e.Message);
    }

    [Fact]
    public void BadTableHexNamesTheEntry()
    {
        string json = RandomModels.Create(1, 6, 2, 2).ToJson();
        int at = json.IndexOf("\"tables\": [\n    [\"", StringComparison.Ordinal) + "\"tables\": [\n    [\"".Length;
        json = json[..(at + 4)] + "zz" + json[(at + 6)..];
        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(json));
        Assert.Equal("$.tables[0][0]", e.JsonPath);
        Assert.Contains("entry 2", e.Message);
    }

    [Fact]
    public void AverageNeedsAPowerOfTwoGroup()
    {
        var e = Assert.Throws<LutModelException>(() => RandomModels.Create(1, 6, 1, 3, LutAggregation.Average));
        Assert.Equal("$.aggregation", e.JsonPath);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => LutModel.Load("/no/such/dir/m.lut.json"));
        Assert.Equal("/no/such/dir/m.lut.json", e.FileName);
        Assert.Contains("does not exist", e.Message);
    }

    private static string Replace(string text, string from, string to, string expectContains)
    {
        string result = text.Replace(from, to);
        // Keep the count right so the value check, not the length check, fires.
        int at = result.IndexOf(to, StringComparison.Ordinal) + to.Length;
        int comma = result.IndexOf(',', at);
        int close = result.IndexOf(']', at);
        result = result[..at] + result[(comma < close ? comma + 2 : at)..];
        Assert.Contains(expectContains.Split(',')[0], result);
        return result;
    }

    internal static void AssertSame(LutModel a, LutModel b)
    {
        Assert.Equal(a.InputDimension, b.InputDimension);
        Assert.Equal(a.OutputDimension, b.OutputDimension);
        Assert.Equal(a.Codebooks, b.Codebooks);
        Assert.Equal(a.Aggregation, b.Aggregation);
        Assert.Equal(a.Name, b.Name);
        Assert.Equal(a.Producer, b.Producer);
        Assert.Equal(a.SplitDimensions.ToArray(), b.SplitDimensions.ToArray());
        Assert.Equal(Bits(a.Thresholds), Bits(b.Thresholds));
        Assert.Equal(a.Tables.ToArray(), b.Tables.ToArray());
        Assert.Equal(Bits(a.Steps), Bits(b.Steps));
        Assert.Equal(Bits(a.Offsets), Bits(b.Offsets));
        Assert.Equal(Bits(a.Prototypes), Bits(b.Prototypes));
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
