using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

public sealed class MaddnessTrainerTests
{
    private static DataMatrix DigitsTrain => TrainingData.Matrix("digits", "X_train.npy");
    private static float[] DigitsW => TrainingData.Vector("digits", "W.npy");
    private static float[] DigitsB => TrainingData.Vector("digits", "b.npy");

    private static LutModel TrainDigits(MaddnessTrainerOptions options)
        => MaddnessTrainer.Train(DigitsTrain.Values, DigitsTrain.Rows, DigitsW, 10, DigitsB, options);

    private static float[] RandomMatrix(int seed, int rows, int columns)
    {
        var rng = new Random(seed);
        var x = new float[rows * columns];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private sealed class ListProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    [Fact]
    public void TwoRunsGiveIdenticalModels()
    {
        var options = new MaddnessTrainerOptions { Codebooks = 8, Name = "digits", Producer = "tests" };
        string first = TrainDigits(options).ToJson();
        Assert.Equal(first, TrainDigits(options).ToJson());

        var x = RandomMatrix(1, 3000, 40);
        var w = RandomMatrix(2, 40, 3);
        var fitted = new MaddnessTrainerOptions { Codebooks = 7, TableFitting = TableFitting.Outputs };
        Assert.Equal(MaddnessTrainer.Train(x, 3000, w, 3, [], fitted).ToJson(),
            MaddnessTrainer.Train(x, 3000, w, 3, [], fitted).ToJson());
    }

    [Fact]
    public void ModelCarriesTheOptions()
    {
        var model = TrainDigits(new MaddnessTrainerOptions
        {
            Codebooks = 16, Aggregation = LutAggregation.Average, Name = "digits-avg", Producer = "tests", IncludePrototypes = false,
        });
        Assert.Equal((64, 10, 16), (model.InputDimension, model.OutputDimension, model.Codebooks));
        Assert.Equal(LutAggregation.Average, model.Aggregation);
        Assert.Equal("digits-avg", model.Name);
        Assert.Equal("tests", model.Producer);
        Assert.False(model.HasPrototypes);
        Assert.True(TrainDigits(new MaddnessTrainerOptions { Codebooks = 4, IncludePrototypes = true }).HasPrototypes);
        Assert.False(TrainDigits(new MaddnessTrainerOptions { Codebooks = 4 }).HasPrototypes);
    }

    // ‖A − Σ_c P[c][code_c]‖² over the training rows, from the model's own prototypes and codes.
    private static double ReconstructionError(LutModel model, DataMatrix x)
    {
        int d = model.InputDimension, c = model.Codebooks;
        var codes = new byte[x.Rows * c];
        LutKernel.CreateReference(model).Encode(x.Values, codes);
        double error = 0;
        for (int n = 0; n < x.Rows; n++)
        {
            for (int j = 0; j < d; j++)
            {
                double approx = 0;
                for (int i = 0; i < c; i++) approx += model.Prototypes[(i * 16 + codes[n * c + i]) * d + j];
                double e = x.Values[n * d + j] - approx;
                error += e * e;
            }
        }

        return error;
    }

    [Fact]
    public void RidgeRefitReducesTrainingError()
    {
        // λ = 1e15 leaves W ≈ 0: the prototypes stay the bucket means of §4b. λ = 1 must fit the rows better.
        double plain = ReconstructionError(TrainDigits(new MaddnessTrainerOptions { Codebooks = 8, RidgeLambda = 1e15, IncludePrototypes = true }), DigitsTrain);
        double refit = ReconstructionError(TrainDigits(new MaddnessTrainerOptions { Codebooks = 8, RidgeLambda = 1, IncludePrototypes = true }), DigitsTrain);
        Assert.True(refit < 0.9 * plain, $"refit {refit} vs plain {plain}");
    }

    [Fact]
    public void PrototypesBeforeRefitAreBlockLocal()
    {
        // Without the refit (λ huge) a prototype is zero outside its codebook's block (§4b).
        var model = TrainDigits(new MaddnessTrainerOptions { Codebooks = 5, RidgeLambda = 1e30, IncludePrototypes = true });
        for (int c = 0; c < 5; c++)
        {
            var (start, width) = Subspaces.Block(64, 5, c);
            for (int k = 0; k < 16; k++)
                for (int j = 0; j < 64; j++)
                    if (j < start || j >= start + width)
                        Assert.True(Math.Abs(model.Prototypes[(c * 16 + k) * 64 + j]) < 1e-20);
        }
    }

    [Fact]
    public void OutputFittingIsTheLeastSquaresFitOfTheOutputs()
    {
        // Both fits project onto the span of G: as λ → 0 the refitted prototypes P reconstruct A as well as G can, so
        // G·(P·B) and the direct fit G·T of A·B coincide on the training rows (tables differ only by a constant per
        // codebook, which quantisation absorbs). With a large λ the two shrink different things (W → 0 keeps the
        // greedy prototypes, T → 0 flattens the outputs) and must differ: the option is wired through.
        var x = DigitsTrain;
        double Difference(double lambda)
        {
            var prototypes = TrainDigits(new MaddnessTrainerOptions { Codebooks = 4, RidgeLambda = lambda });
            var outputs = TrainDigits(new MaddnessTrainerOptions { Codebooks = 4, RidgeLambda = lambda, TableFitting = TableFitting.Outputs });
            return TrainingData.Nmse(TrainingData.Predict(prototypes, x), TrainingData.Predict(outputs, x));
        }

        double small = Difference(1e-6), large = Difference(1e5);
        Assert.True(small < 1e-4, $"λ = 1e-6: NMSE between the two fits {small}");
        Assert.True(large > 100 * small, $"λ = 1e5: NMSE between the two fits {large} (λ = 1e-6: {small})");
    }

    [Fact]
    public void BuildTablesFromOutputsModelEqualsPrototypeTraining()
    {
        var outputs = TrainDigits(new MaddnessTrainerOptions { Codebooks = 8, TableFitting = TableFitting.Outputs, IncludePrototypes = true });
        var prototypes = TrainDigits(new MaddnessTrainerOptions { Codebooks = 8, IncludePrototypes = true });
        Assert.NotEqual(prototypes.ToJson(), outputs.ToJson());
        Assert.Equal(prototypes.ToJson(), MaddnessTrainer.BuildTables(outputs, DigitsW, 10, DigitsB).ToJson());
    }

    [Fact]
    public void BuildTablesForANewBQuantisesEachOutputOnItsOwn()
    {
        var model = TrainDigits(new MaddnessTrainerOptions { Codebooks = 8, IncludePrototypes = true });
        // B' = the first 3 columns of W: output m's tables, step and offset depend only on column m.
        var w3 = new float[64 * 3];
        for (int j = 0; j < 64; j++)
            for (int m = 0; m < 3; m++) w3[j * 3 + m] = DigitsW[j * 10 + m];
        var rebuilt = MaddnessTrainer.BuildTables(model, w3, 3, DigitsB.AsSpan(0, 3));
        Assert.Equal(3, rebuilt.OutputDimension);
        Assert.Equal(model.Tables.Slice(0, 3 * 8 * 16).ToArray(), rebuilt.Tables.ToArray());
        Assert.Equal(model.Steps.Slice(0, 3).ToArray(), rebuilt.Steps.ToArray());
        Assert.Equal(model.Offsets.Slice(0, 3).ToArray(), rebuilt.Offsets.ToArray());
        Assert.Equal(model.Thresholds.ToArray(), rebuilt.Thresholds.ToArray());
    }

    [Fact]
    public void BuildTablesNeedsPrototypes()
    {
        var model = TrainDigits(new MaddnessTrainerOptions { Codebooks = 4, IncludePrototypes = false });
        var e = Assert.Throws<ArgumentException>(() => MaddnessTrainer.BuildTables(model, DigitsW, 10, DigitsB));
        Assert.Equal("model", e.ParamName);
        Assert.Contains("no prototypes", e.Message);
    }

    [Fact]
    public void ProgressReportsEveryCodebookAndStage()
    {
        var progress = new ListProgress();
        TrainDigits(new MaddnessTrainerOptions { Codebooks = 3 }).ToJson();
        MaddnessTrainer.Train(DigitsTrain.Values, DigitsTrain.Rows, DigitsW, 10, DigitsB,
            new MaddnessTrainerOptions { Codebooks = 3 }, progress);
        Assert.Equal(new[]
        {
            new TrainingProgress("hash trees", 0, 3), new TrainingProgress("hash trees", 1, 3),
            new TrainingProgress("hash trees", 2, 3), new TrainingProgress("hash trees", 3, 3),
        }, progress.Reports.Take(4));
        // The later stages report in steps too (TrainerResponsivenessTests checks them in detail), in this order.
        Assert.Equal(["hash trees", "ridge refit", "tables"], progress.Reports.Select(p => p.Stage).Distinct());
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => MaddnessTrainer.Train(DigitsTrain.Values, DigitsTrain.Rows,
            DigitsW, 10, DigitsB, new MaddnessTrainerOptions(), null, cancelled.Token));

        // Cancelled after the second codebook: the third never starts.
        using var midway = new CancellationTokenSource();
        var progress = new ListProgress(p => { if (p.Stage == "hash trees" && p.Completed == 2) midway.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => MaddnessTrainer.Train(DigitsTrain.Values, DigitsTrain.Rows,
            DigitsW, 10, DigitsB, new MaddnessTrainerOptions { Codebooks = 8 }, progress, midway.Token));
        Assert.Equal(2, progress.Reports.Max(p => p.Completed));
    }

    public static TheoryData<string, string, Action> BadArguments()
    {
        float[] a = new float[20 * 4], w = new float[4 * 2];
        var ok = new MaddnessTrainerOptions { Codebooks = 2 };
        var nan = (float[])a.Clone(); nan[13] = float.NaN;
        var inf = (float[])w.Clone(); inf[3] = float.PositiveInfinity;
        return new TheoryData<string, string, Action>
        {
            { "rows", "At least one", () => MaddnessTrainer.Train(a, 0, w, 2, [], ok) },
            { "a", "whole", () => MaddnessTrainer.Train(a, 7, w, 2, [], ok) },
            { "a", "whole", () => MaddnessTrainer.Train([], 1, w, 2, [], ok) },
            { "a", "row 3, column 1", () => MaddnessTrainer.Train(nan, 20, w, 2, [], ok) },
            { "weights", "expected D × outputs", () => MaddnessTrainer.Train(a, 20, w, 3, [], ok) },
            { "weights", "row 1, column 1", () => MaddnessTrainer.Train(a, 20, inf, 2, [], ok) },
            { "outputs", "Outputs must be", () => MaddnessTrainer.Train(a, 20, [], 0, [], ok) },
            { "bias", "none or 2", () => MaddnessTrainer.Train(a, 20, w, 2, [1f], ok) },
            { "bias", "finite", () => MaddnessTrainer.Train(a, 20, w, 2, [1f, float.NaN], ok) },
            { "options", "RidgeLambda", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 2, RidgeLambda = 0 }) },
            { "options", "RidgeLambda", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 2, RidgeLambda = double.NaN }) },
            { "options", "Codebooks", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 0 }) },
            { "options", "Average", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 3, Aggregation = LutAggregation.Average }) },
            { "options", "Name", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 2, Name = "" }) },
            { "options", "prototype values", () => MaddnessTrainer.Train(new float[1 << 20], 1, new float[1 << 20], 1, [], new MaddnessTrainerOptions { Codebooks = 5, IncludePrototypes = false }) },
            { "a", "at most", () => MaddnessTrainer.Train(new float[(1 << 20) + 1], 1, [], 1, [], ok) },
            { "options", "TableFitting", () => MaddnessTrainer.Train(a, 20, w, 2, [], new MaddnessTrainerOptions { Codebooks = 2, TableFitting = (TableFitting)7 }) },
        };
    }

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgumentsAreRejectedByName(string parameter, string message, Action train)
    {
        var e = Assert.ThrowsAny<ArgumentException>(train);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void NullOptionsAreRejected()
        => Assert.Throws<ArgumentNullException>(() => MaddnessTrainer.Train(new float[4], 1, new float[4], 1, [], null!));

    [Fact]
    public void TrainedModelRoundTripsThroughItsFile()
    {
        var model = TrainDigits(new MaddnessTrainerOptions { Codebooks = 16 });
        Assert.Equal(model.ToJson(), LutModel.Parse(model.ToJson()).ToJson());
    }
}
