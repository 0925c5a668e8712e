using System.Numerics.Tensors;
using KernelCompiler.IO;

namespace KernelCompiler.Tests.Model;

/// <summary>The library's public surface behaves like the BCL's: exception types, streams, tensors, helpers.</summary>
public sealed class BclShapedApiTests
{
    [Fact]
    public void TheReadmeLibraryExampleRunsAsWritten()
    {
        // The README's example, on the digits sample (D = 64, M = 10).
        Tensor<float> a = NpyFile.Read(SharedData.File("digits", "X_train.npy")).ToSingleTensor(),
            b = NpyFile.Read(SharedData.File("digits", "W.npy")).ToSingleTensor();
        float[] bias = NpyFile.Read(SharedData.File("digits", "b.npy")).ToSingle();
        LutModel model = KernelCompiler.Training.MaddnessTrainer.Train(a, b, bias,
            new KernelCompiler.Training.MaddnessTrainerOptions { Codebooks = 16 });
        Assert.Equal((64, 10, 16), (model.InputDimension, model.OutputDimension, model.Codebooks));

        float[] x = NpyFile.Read(SharedData.File("digits", "X_test.npy")).ToSingle();
        var y = new float[x.Length / 64 * 10];
        var classes = new int[x.Length / 64];
        LutKernel kernel = LutKernel.Compile(model);
        kernel.Multiply(x, y);
        kernel.Predict(x, classes);
        int[] labels = NpyFile.Read(SharedData.File("digits", "y_test.npy")).ToInt32();
        Assert.True(classes.Zip(labels).Count(p => p.First == p.Second) > 0.9 * labels.Length);
    }

    [Fact]
    public void MissingFilesThrowFileNotFoundException()
    {
        string path = Path.Combine(Path.GetTempPath(), "kc-missing-" + Guid.NewGuid().ToString("N"), "x.npy");
        var npy = Assert.Throws<FileNotFoundException>(() => NpyFile.Read(path));
        Assert.Equal(path, npy.FileName);
        Assert.Contains(path, npy.Message);
        var model = Assert.Throws<FileNotFoundException>(() => LutModel.Load(Path.ChangeExtension(path, ".lut.json")));
        Assert.Equal(Path.ChangeExtension(path, ".lut.json"), model.FileName);
    }

    [Fact]
    public void ModelsRoundTripThroughStreams()
    {
        LutModel model = RandomModels.Create(3, 20, 4, 5, prototypes: true).WithWeightsFingerprint("sha256:" + new string('a', 64));
        using var stream = new MemoryStream();
        model.Save(stream);
        Assert.Equal(model.ToJson(), System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        stream.Position = 0;
        LutModel back = LutModel.Load(stream, "memory");
        Assert.Equal(model.ToJson(), back.ToJson());
        Assert.Equal(model.WeightsFingerprint, back.WeightsFingerprint);

        var e = Assert.Throws<LutModelException>(() => LutModel.Load(new MemoryStream("{"u8.ToArray()), "broken.lut.json"));
        Assert.Equal("broken.lut.json", e.FilePath);
    }

    [Fact]
    public void NpyWritesToStreamsWhatItWritesToFiles()
    {
        float[] values = [1, -2.5f, 3, 4, 5, 6];
        string file = Path.Combine(Path.GetTempPath(), "kc-" + Guid.NewGuid().ToString("N") + ".npy");
        try
        {
            NpyFile.Write(file, values, 2, 3);
            using var stream = new MemoryStream();
            NpyFile.Write(stream, values, 2, 3);
            Assert.Equal(File.ReadAllBytes(file), stream.ToArray());
            stream.Position = 0;
            NpyArray back = NpyFile.Read(stream);
            Assert.Equal(new[] { 2, 3 }, back.Shape);
            Assert.Equal(values, back.ToSingle());
            Assert.Equal(values, back.ToSingleTensor().ToArray());

            using var ints = new MemoryStream();
            NpyFile.Write(ints, new[] { 7, -1, 9 }, 3);
            ints.Position = 0;
            Assert.Equal(new[] { 7, -1, 9 }, NpyFile.Read(ints).ToInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void TensorOverloadsComputeWhatTheSpanOverloadsCompute()
    {
        LutModel model = RandomModels.Create(5, 24, 3, 6);
        const int rows = 37;
        float[] x = RandomModels.Rows(6, model, rows);
        LutKernel kernel = LutKernel.CreateReference(model);
        var expected = new float[rows * 3];
        kernel.Multiply(x, expected);
        var expectedCodes = new byte[rows * 6];
        kernel.Encode(x, expectedCodes);

        var y = new float[rows * 3];
        kernel.Multiply(new ReadOnlyTensorSpan<float>(x, [rows, 24]), new TensorSpan<float>(y, [rows, 3]));
        Assert.Equal(expected, y);
        Tensor<byte> codes = Tensor.Create(new byte[rows * 6], [rows, 6]);
        kernel.Encode(new ReadOnlyTensorSpan<float>(x, [rows, 24]), codes);
        Assert.Equal(expectedCodes, codes.ToArray());
    }

    [Fact]
    public void TensorShapesAreCheckedWithClearErrors()
    {
        LutModel model = RandomModels.Create(5, 24, 3, 6);
        LutKernel kernel = LutKernel.CreateReference(model);
        float[] x = new float[10 * 24], y = new float[10 * 3];

        var rank = Assert.Throws<ArgumentException>(() => kernel.Multiply(new ReadOnlyTensorSpan<float>(x), new TensorSpan<float>(y, [10, 3])));
        Assert.Equal("x", rank.ParamName);
        Assert.Contains("[N, 24]", rank.Message);
        Assert.Contains("[240]", rank.Message);

        var rows = Assert.Throws<ArgumentException>(() => kernel.Multiply(new ReadOnlyTensorSpan<float>(x, [10, 24]), new TensorSpan<float>(y, [5, 6])));
        Assert.Equal("destination", rows.ParamName);
        Assert.Contains("[10, 3]", rows.Message);

        // Every other row of a [20, 24] buffer: a [10, 24] view that is not contiguous.
        float[] wide = new float[20 * 24];
        var strided = Assert.Throws<ArgumentException>(() => kernel.Multiply(
            new ReadOnlyTensorSpan<float>(wide, [10, 24], [48, 1]), new TensorSpan<float>(y, [10, 3])));
        Assert.Equal("x", strided.ParamName);
        Assert.Contains("not dense", strided.Message);
    }

    [Fact]
    public void ToStringSummarisesTheModel()
    {
        LutModel model = RandomModels.Create(5, 24, 3, 6);
        Assert.Equal("'" + model.Name + "': D = 24, M = 3, C = 6, exact aggregation, 288 table bytes, no prototypes", model.ToString());
    }

    [Fact]
    public void PredictIsTheArgMaxOfMultiply()
    {
        LutModel model = RandomModels.Create(8, 30, 7, 5);
        const int rows = 700;  // more than one internal chunk
        float[] x = RandomModels.Rows(9, model, rows);
        LutKernel kernel = LutKernel.CreateGeneric(model);
        var y = new float[rows * 7];
        kernel.Multiply(x, y);
        var classes = new int[rows];
        kernel.Predict(x, classes);
        for (int n = 0; n < rows; n++)
        {
            float[] row = y.AsSpan(n * 7, 7).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), classes[n]);
        }

        Assert.Throws<ArgumentException>(() => kernel.Predict(x, new int[rows - 1]));
    }

    [Fact]
    public void ArgMaxTakesTheFirstLargestAndSkipsNaN()
    {
        var classes = new int[4];
        LutKernel.ArgMax([1, 3, 3, float.NaN, 2, 0, float.NaN, float.NaN, -1, -1, -1, -1], 3, classes);
        Assert.Equal(new[] { 1, 1, 2, 0 }, classes);
        Assert.Throws<ArgumentException>(() => LutKernel.ArgMax([1, 2, 3], 2, classes));
        Assert.Throws<ArgumentOutOfRangeException>(() => LutKernel.ArgMax([1], 0, classes));
    }

    [Fact]
    public void WithoutPrototypesDropsOnlyThePrototypes()
    {
        LutModel full = RandomModels.Create(3, 20, 4, 5, prototypes: true);
        LutModel compact = full.WithoutPrototypes();
        Assert.False(compact.HasPrototypes);
        Assert.Equal(full.Tables.ToArray(), compact.Tables.ToArray());
        Assert.Equal(full.Thresholds.ToArray(), compact.Thresholds.ToArray());
        Assert.DoesNotContain("prototypes", compact.ToJson());
        Assert.Same(compact, compact.WithoutPrototypes());
    }

    [Fact]
    public void WeightsFingerprintsNameTheWeightsAndAreValidated()
    {
        float[] w = [1, 2, 3, 4, 5, 6];
        string f = LutModel.ComputeWeightsFingerprint(w, 3, []);
        Assert.Matches("^sha256:[0-9a-f]{64}$", f);
        Assert.Equal(f, LutModel.ComputeWeightsFingerprint(w, 3, [0, 0, 0]));
        Assert.NotEqual(f, LutModel.ComputeWeightsFingerprint(w, 3, [0, 1, 0]));
        Assert.NotEqual(f, LutModel.ComputeWeightsFingerprint(w, 2, []));
        Assert.NotEqual(f, LutModel.ComputeWeightsFingerprint([1, 2, 3, 4, 5, 7], 3, []));

        LutModel model = RandomModels.Create(3, 20, 4, 5);
        Assert.Null(model.WeightsFingerprint);
        string json = model.WithWeightsFingerprint(f).ToJson();
        Assert.Contains("\"weightsFingerprint\": \"" + f + "\"", json);

        var e = Assert.Throws<LutModelException>(() => LutModel.Parse(json.Replace(f, "sha256:XYZ"), "m.lut.json"));
        Assert.Equal("$.weightsFingerprint", e.JsonPath);
        Assert.Contains("64 lower-case hex digits", e.Message);
        Assert.Throws<LutModelException>(() => model.WithWeightsFingerprint("md5:00"));
    }
}
