using System.Threading;
using KernelCompiler.Training;

namespace KernelCompiler.Tests.Training;

/// <summary>Progress for every stage and cancellation inside every stage, on seeded random data (no files needed).</summary>
public sealed class TrainerResponsivenessTests
{
    private const int Rows = 3000, D = 64, M = 5, C = 16;

    private static readonly float[] A = Random(1, Rows * D), W = Random(2, D * M);

    private static float[] Random(int seed, int length)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private sealed class Recorder(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }

    public static TheoryData<TableFitting> Fittings => new() { TableFitting.Prototypes, TableFitting.Outputs };

    [Theory]
    [MemberData(nameof(Fittings))]
    public void EveryStageReportsFromZeroToItsTotalInSteps(TableFitting fitting)
    {
        var progress = new Recorder();
        MaddnessTrainer.Train(A, Rows, W, M, [], new MaddnessTrainerOptions { Codebooks = C, TableFitting = fitting }, progress);

        string[] stages = [MaddnessTrainer.TreesStage, MaddnessTrainer.RefitStage, MaddnessTrainer.TablesStage];
        Assert.Equal(stages, progress.Reports.Select(p => p.Stage).Distinct());
        foreach (string stage in stages)
        {
            TrainingProgress[] reports = progress.Reports.Where(p => p.Stage == stage).ToArray();
            Assert.Equal(0, reports[0].Completed);
            Assert.Equal(reports[0].Total, reports[^1].Completed);
            Assert.All(reports, p => Assert.Equal(reports[0].Total, p.Total));
            for (int i = 1; i < reports.Length; i++)
            {
                Assert.True(reports[i].Completed > reports[i - 1].Completed, stage + ": progress must only move forward");
            }

            // Not a jump from 0 to done: the refit at large C is most of training, and its bar has to move.
            Assert.True(reports.Count(p => p.Completed > 0 && p.Completed < p.Total) >= 2,
                stage + " reported " + reports.Length + " times");
        }

        // Reports are throttled, so a display is never flooded.
        Assert.True(progress.Reports.Count < 1000, progress.Reports.Count + " reports");
    }

    public static TheoryData<string, TableFitting> StagesToCancel => new()
    {
        { MaddnessTrainer.TreesStage, TableFitting.Prototypes },
        { MaddnessTrainer.RefitStage, TableFitting.Prototypes },
        { MaddnessTrainer.TablesStage, TableFitting.Prototypes },
        { MaddnessTrainer.TablesStage, TableFitting.Outputs },
    };

    [Theory]
    [MemberData(nameof(StagesToCancel))]
    public void CancellingInsideAStageStopsItBeforeItsEnd(string stage, TableFitting fitting)
    {
        using var source = new CancellationTokenSource();
        var progress = new Recorder(p =>
        {
            if (p.Stage == stage && p.Completed > 0 && p.Completed < p.Total) source.Cancel();
        });

        LutModel? model = null;
        Assert.ThrowsAny<OperationCanceledException>(() => model = MaddnessTrainer.Train(A, Rows, W, M, [],
            new MaddnessTrainerOptions { Codebooks = C, TableFitting = fitting }, progress, source.Token));
        Assert.Null(model);
        TrainingProgress last = progress.Reports[^1];
        Assert.Equal(stage, last.Stage);
        Assert.True(last.Completed < last.Total, "the stage ran to its end after the cancellation: " + last);
    }

    [Fact]
    public void AnAlreadyCancelledTokenNeverReturnsAModel()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var progress = new Recorder();
        Assert.ThrowsAny<OperationCanceledException>(() => MaddnessTrainer.Train(A, Rows, W, M, [],
            new MaddnessTrainerOptions { Codebooks = C }, progress, source.Token));
        Assert.All(progress.Reports, p => Assert.Equal(0, p.Completed));
    }

    [Fact]
    public void TheTensorOverloadInfersRowsAndOutputs()
    {
        var options = new MaddnessTrainerOptions { Codebooks = 8 };
        LutModel fromSpans = MaddnessTrainer.Train(A, Rows, W, M, [], options);
        LutModel fromTensors = MaddnessTrainer.Train(
            new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(A, [Rows, D]),
            new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(W, [D, M]), [], options);
        Assert.Equal(fromSpans.ToJson(), fromTensors.ToJson());

        var e = Assert.Throws<ArgumentException>(() => MaddnessTrainer.Train(
            new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(A, [Rows, D]),
            new System.Numerics.Tensors.ReadOnlyTensorSpan<float>(W, [M, D]), [], options));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("D = 64", e.Message);
    }

    [Fact]
    public void ModelsRecordTheFingerprintOfTheirWeightsAndCarryNoPrototypesByDefault()
    {
        LutModel model = MaddnessTrainer.Train(A, Rows, W, M, [], new MaddnessTrainerOptions { Codebooks = 4 });
        Assert.False(model.HasPrototypes);
        Assert.Equal(LutModel.ComputeWeightsFingerprint(W, M, []), model.WeightsFingerprint);
        Assert.Equal(model.WeightsFingerprint, LutModel.Parse(model.ToJson()).WeightsFingerprint);

        LutModel full = MaddnessTrainer.Train(A, Rows, W, M, [], new MaddnessTrainerOptions { Codebooks = 4, IncludePrototypes = true });
        Assert.True(full.HasPrototypes);
        Assert.Equal(model.ToJson(), full.WithoutPrototypes().ToJson());
        Assert.True(full.ToJson().Length > 10 * model.ToJson().Length);
    }
}
