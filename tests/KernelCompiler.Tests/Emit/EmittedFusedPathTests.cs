using KernelCompiler.Runtime;
using KernelCompiler.Emit;

namespace KernelCompiler.Tests.Emit;

/// <summary>A fact that needs the fused path (AVX-512 VBMI); skipped elsewhere.</summary>
public sealed class FusedFactAttribute : FactAttribute
{
    public FusedFactAttribute()
    {
        if (!FusedKernelRuntime.IsSupported) Skip = "This CPU lacks AVX-512 VBMI: no fused path to run.";
    }
}

/// <summary>
/// The emitted kernel's fused AVX-512 VBMI path: that it is emitted for models within its limits, and that it
/// really computes the rows it claims (every row where there are at least 16) while the other paths take fewer. The engine matrix
/// proves the results agree with the reference; these tests prove the fused steps are the ones producing them.
/// </summary>
public class EmittedFusedPathTests
{
    [Fact]
    public void ModelsRunTheFusedPathFirstWhereTheCpuHasIt()
    {
        string Paths(LutModel model, KernelInstructionSet isa = KernelInstructionSet.Auto)
            => ((EmittedKernel)LutKernel.Compile(model, new LutKernelOptions { InstructionSet = isa })).PathNames;

        var exact = RandomModels.Create(40, 70, 9, 32);
        var average = RandomModels.Create(41, 70, 9, 32, LutAggregation.Average);
        foreach (LutModel model in new[] { exact, average })
        {
            if (FusedKernelRuntime.IsSupported)
            {
                Assert.StartsWith("Avx512Vbmi, Avx2Fused, Avx512, ", Paths(model));
                Assert.StartsWith("Avx512Vbmi, ", Paths(model, KernelInstructionSet.Avx512Vbmi));
                Assert.NotNull(((EmittedKernel)LutKernel.Compile(model)).Fused);
            }
            else
            {
                Assert.DoesNotContain("Avx512Vbmi", Paths(model));
                Assert.Null(((EmittedKernel)LutKernel.Compile(model)).Fused);
            }
        }

        // Never above the fused limits (lower in M for average aggregation), or below a forced narrower path.
        Assert.DoesNotContain("Avx512Vbmi", Paths(RandomModels.Create(42, 20, 3, FusedKernelRuntime.MaxCodebooks + 1)));
        Assert.DoesNotContain("Avx512Vbmi", Paths(RandomModels.Create(43, 20, FusedKernelRuntime.MaxAverageOutputs + 1, 16, LutAggregation.Average)));
        Assert.DoesNotContain("Avx512Vbmi", Paths(average, KernelInstructionSet.Avx512));
        Assert.DoesNotContain("Avx512Vbmi", Paths(exact, KernelInstructionSet.Avx512));
        Assert.Null(((EmittedKernel)LutKernel.Compile(exact, new LutKernelOptions { InstructionSet = KernelInstructionSet.Avx2 })).Fused);
    }

    /// <summary>A mutation check: kernel A with the fused steps (trees and tables) of model B, of the same shape and
    /// with A's steps and offsets. From 16 rows on every row must come out as B's reference computes it (the last tile
    /// overlaps the one before where N is not a multiple of 16; column-major input from 256 rows on starts its whole
    /// tiles at a 64-byte line, after one tile at the first row), and fewer rows as A's, for every entry point; a
    /// kernel that skipped its fused path, or left rows to the other paths, fails.</summary>
    [FusedFact]
    public void TheFusedStepsComputeEveryRowFromOneTileOn()
    {
        var exact = LutAggregation.Exact;
        var average = LutAggregation.Average;
        foreach (var (d, m, c, aggregation) in new[] { (70, 9, 32, exact), (13, 3, 5, exact), (40, 70, 18, exact), (300, 20, 64, exact),
            (64, 10, 16, exact), (70, 9, 32, average), (13, 3, 2, average), (40, 70, 16, average), (300, 20, 64, average),
            (48, 5, 8, average) })
        {
            LutModel a = RandomModels.Create(50 + c, d, m, c, aggregation);
            LutModel other = RandomModels.Create(90 + c, d, m, c, aggregation);
            var b = new LutModel(d, m, other.SplitDimensions.ToArray(), other.Thresholds.ToArray(), other.Tables.ToArray(),
                a.Steps.ToArray(), a.Offsets.ToArray(), aggregation, null, "b", "tests");
            var kernelA = (EmittedKernel)LutKernel.Compile(a);
            var kernelB = (EmittedKernel)LutKernel.Compile(b);
            LutKernel mixed = kernelA.WithFused(kernelB.Fused);
            LutKernel referenceA = LutKernel.CreateReference(a), referenceB = LutKernel.CreateReference(b);

            // Average models scan blocks of four tiles: 100 and 200 rows end in a partial block.
            foreach (int rows in new[] { 9, 16, 41, 100, 200, 256, 333 })
            {
                int tiles = rows >= 16 ? rows : 0;
                string where = aggregation + ", C=" + c + ", M=" + m + ", rows=" + rows;
                float[] x = RandomModels.Rows(rows + c, a, rows);
                float[] xt = RandomModels.Transpose(x, rows, d);
                var codes = new byte[rows * c];
                for (int i = 0; i < codes.Length; i++) codes[i] = (byte)((i * 7 + rows) % 16);

                T[] Splice<T>(Action<LutKernel, T[]> run, int width)
                {
                    var fromA = new T[rows * width];
                    var fromB = new T[rows * width];
                    run(referenceA, fromA);
                    run(referenceB, fromB);
                    Array.Copy(fromB, fromA, tiles * width);
                    return fromA;
                }

                void Check<T>(Action<LutKernel, T[]> run, int width, string what)
                {
                    T[] expected = Splice(run, width);
                    var actual = new T[rows * width];
                    run(mixed, actual);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), what + " on " + where + " is not B's for the tiles and A's for the rest.");
                }

                Check<byte>((k, o) => k.Encode(x, o), c, "Encode");
                Check<byte>((k, o) => k.EncodeColumnMajor(xt, o), c, "EncodeColumnMajor");
                Check<int>((k, o) => k.Aggregate(codes, o), m, "Aggregate");
                Check<float>((k, o) => k.Multiply(x, o), m, "Multiply");
                Check<float>((k, o) => k.MultiplyColumnMajor(xt, o), m, "MultiplyColumnMajor");
                Check<float>((k, o) => k.Multiply(codes, o), m, "Multiply (codes)");

                // Input at every float offset from a 64-byte line: column-major N = 256 gets a head of 0 to 15 rows,
                // row-major rows of D = 48 or 64 are read by whole lines at even offsets (RowPhases.All).
                for (int shift = 1; shift < 16 && rows == 256; shift++)
                {
                    var shifted = new float[xt.Length + shift];
                    xt.CopyTo(shifted, shift);
                    var shiftedRows = new float[x.Length + shift];
                    x.AsSpan(0, rows * d).CopyTo(shiftedRows.AsSpan(shift));
                    int at = shift;
                    Check<byte>((k, o) => k.EncodeColumnMajor(shifted.AsSpan(at, xt.Length), o), c, "EncodeColumnMajor, shifted " + at);
                    Check<float>((k, o) => k.MultiplyColumnMajor(shifted.AsSpan(at, xt.Length), o), m, "MultiplyColumnMajor, shifted " + at);
                    Check<byte>((k, o) => k.Encode(shiftedRows.AsSpan(at, rows * d), o), c, "Encode, shifted " + at);
                    Check<float>((k, o) => k.Multiply(shiftedRows.AsSpan(at, rows * d), o), m, "Multiply, shifted " + at);
                }
            }
        }
    }

    public static TheoryData<string> AllocationModels => new() { "exact C=16", "exact C=64", "average C=16", "average C=64", "average C=64, M=300" };

    /// <summary>Warm calls of every entry point allocate nothing, on every path (forced), including those whose
    /// buffers are too large for the stack (C = 64: 64 rows of 256 slots; the fused chunk's 256 KiB of packed codes).</summary>
    [Theory]
    [MemberData(nameof(AllocationModels))]
    public void HotPathAllocatesNothing(string name)
    {
        LutModel model = name switch
        {
            "exact C=16" => RandomModels.Create(60, 512, 10, 16),
            "exact C=64" => RandomModels.Create(61, 512, 10, 64),
            "average C=16" => RandomModels.Create(64, 512, 10, 16, LutAggregation.Average),
            "average C=64" => RandomModels.Create(62, 512, 10, 64, LutAggregation.Average),
            _ => RandomModels.Create(65, 512, 300, 64, LutAggregation.Average), // past the average fused path's M

        };

        // Many AVX-512 blocks, then one block of each narrower path and a scalar tail; 271 fused tiles and a tail, so
        // the fused runtime encodes a full chunk of 256 tiles (whose packed codes it rents from C = 17 on) and a part one.
        const int rows = 4096 + 3 * 64 + 32 + 16 + 15;
        float[] x = RandomModels.Rows(63, model, rows);
        var codes = new byte[rows * model.Codebooks];
        var sums = new int[rows * model.OutputDimension];
        var y = new float[rows * model.OutputDimension];
        var isas = new[] { KernelInstructionSet.Auto }.Concat(EngineMatrix.InstructionSets.Where(EngineMatrix.IsSupported));
        foreach (KernelInstructionSet isa in isas)
        {
            LutKernel kernel = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = isa });
            void Run()
            {
                kernel.Encode(x, codes);
                kernel.EncodeColumnMajor(x, codes);
                kernel.Aggregate(codes, sums);
                kernel.Multiply(x, y);
                kernel.MultiplyColumnMajor(x, y);
                kernel.Multiply(codes, y);
            }

            Run(); // compiles everything and warms the array pool of this thread
            // A hot path that allocates does so on every call; a rare one-off (the runtime refilling a pool that a
            // gen-2 GC from tests running in parallel trimmed, seen as ~1 KB once in a few runs) is not the kernel's.
            // So: up to three warm calls, and one of them must allocate nothing.
            var seen = new List<long>();
            for (int attempt = 0; attempt < 3 && (seen.Count == 0 || seen[^1] != 0); attempt++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Run();
                seen.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.True(seen[^1] == 0, name + ", " + isa + " (" + ((EmittedKernel)kernel).PathNames + "): " +
                string.Join(", ", seen) + " bytes allocated in " + seen.Count + " warm calls.");
        }
    }
}
