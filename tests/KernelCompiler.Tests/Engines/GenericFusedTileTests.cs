using System.Threading.Tasks;
using KernelCompiler.Generic;

namespace KernelCompiler.Tests.Engines;

/// <summary>The generic kernel's fused tile path (encode a tile of rows, scan it at once) and its chunked path, each
/// forced on every width this CPU has, agree with the reference bit for bit: codes, integer sums and outputs, both
/// layouts, row counts that are not a whole number of tiles, C not a multiple of 4, odd M, NaN and ±∞.</summary>
public class GenericFusedTileTests
{
    public static TheoryData<KernelInstructionSet, bool> Paths()
    {
        var data = new TheoryData<KernelInstructionSet, bool>();
        foreach (var isa in EngineMatrix.InstructionSets)
        {
            if (isa != KernelInstructionSet.Avx512Vbmi && EngineMatrix.IsSupported(isa))
            {
                data.Add(isa, true);
                data.Add(isa, false);
            }
        }

        return data;
    }

    /// <summary>C = 5, 31, 33, 48 (not multiples of 4 or 16), M = 1, 3, 17 (odd), both aggregations.</summary>
    private static readonly LutModel[] SumModels =
    [
        RandomModels.Create(41, 20, 17, 5),
        RandomModels.Create(42, 100, 3, 31),
        RandomModels.Create(43, 40, 1, 33),
        RandomModels.Create(44, 70, 3, 48, LutAggregation.Average),
        RandomModels.Create(45, 9, 7, 1, LutAggregation.Average),
        RandomModels.Create(46, 64, 16, 16),
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public void EveryEntryPointMatchesTheReference(KernelInstructionSet isa, bool fused)
    {
        int seed = 100;
        foreach (LutModel model in KernelEquivalence.Models.Concat(KernelEquivalence.LargeModels))
        {
            var kernel = GenericKernel.Create(model, isa, fused);
            Assert.Equal(fused && isa != KernelInstructionSet.Scalar, kernel.FusedTiles);
            KernelEquivalence.AssertMatchesReference(kernel, seed++);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void IntegerSumsMatchTheReferenceSumsOfTheReferenceCodes(KernelInstructionSet isa, bool fused)
    {
        int seed = 200;
        // Tile edges of every width, and past the chunked path's 1024-row chunks.
        int[] rowCounts = [1, 15, 16, 17, 33, 63, 64, 65, 127, 1023, 1025];
        foreach (LutModel model in SumModels)
        {
            var kernel = GenericKernel.Create(model, isa, fused);
            LutKernel reference = LutKernel.CreateReference(model);
            foreach (int rows in rowCounts)
            {
                float[] x = WithSpecialRows(KernelEquivalence.Inputs(seed++, model, rows), model.InputDimension, rows);
                var codes = new byte[rows * model.Codebooks];
                reference.Encode(x, codes);
                var expected = new int[rows * model.OutputDimension];
                reference.Aggregate(codes, expected);

                var sums = new int[expected.Length];
                kernel.MultiplySums(x, rows, columnMajor: false, sums);
                Assert.True(expected.AsSpan().SequenceEqual(sums), Describe(kernel, rows, "row-major"));
                Array.Clear(sums);
                kernel.MultiplySums(RandomModels.Transpose(x, rows, model.InputDimension), rows, columnMajor: true, sums);
                Assert.True(expected.AsSpan().SequenceEqual(sums), Describe(kernel, rows, "column-major"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void PartitionedColumnMajorRowsMatchTheReference(KernelInstructionSet isa, bool fused)
    {
        // Parallel partitions start tiles at rows other than 0 while the column stride stays the whole N.
        LutModel model = SumModels[0];
        var kernel = GenericKernel.Create(model, isa, fused);
        int rows = 3001;
        float[] x = KernelEquivalence.Inputs(7, model, rows);
        float[] xt = RandomModels.Transpose(x, rows, model.InputDimension);
        var expected = new float[rows * model.OutputDimension];
        LutKernel.CreateReference(model).Multiply(x, expected);
        var y = new float[expected.Length];
        kernel.MultiplyColumnMajor(xt, y, new ParallelOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(KernelEquivalence.Bits(expected), KernelEquivalence.Bits(y));
    }

    [Fact]
    public void SumsRejectShortSpans()
    {
        var kernel = GenericKernel.Create(SumModels[0], KernelInstructionSet.Auto, fusedTiles: true);
        Assert.Throws<ArgumentException>(() => kernel.MultiplySums(new float[19], 1, false, new int[17]));
        Assert.Throws<ArgumentException>(() => kernel.MultiplySums(new float[20], 1, false, new int[16]));
    }

    /// <summary>Rows of all NaN, +∞ and −∞ at the start, middle and end.</summary>
    private static float[] WithSpecialRows(float[] x, int d, int rows)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        for (int i = 0; i < specials.Length; i++)
        {
            int row = (i * (rows - 1)) / 2;
            x.AsSpan(row * d, d).Fill(specials[i]);
        }

        return x;
    }

    private static string Describe(GenericKernel kernel, int rows, string layout)
        => kernel.InstructionSet + (kernel.FusedTiles ? " fused" : " chunked") + " " + kernel.Model.Name + " (C=" + kernel.Model.Codebooks +
           ", M=" + kernel.Model.OutputDimension + ", " + kernel.Model.Aggregation + "), rows=" + rows + ", " + layout;
}
