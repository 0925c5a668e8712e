using KernelCompiler.Generic;
namespace KernelCompiler.Tests.Engines;

/// <summary>The generic kernel runs the path it was asked for when the CPU has it, and otherwise the widest narrower
/// one; the matrix relies on this to test every path on one machine.</summary>
public class GenericKernelPathTests
{
    public static TheoryData<KernelInstructionSet> InstructionSets()
    {
        var data = new TheoryData<KernelInstructionSet>();
        foreach (var isa in EngineMatrix.InstructionSets) data.Add(isa);
        return data;
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void ForcedPathRunsWhenSupportedElseTheWidestNarrowerOne(KernelInstructionSet requested)
    {
        var kernel = GenericKernel.Create(RandomModels.Create(1, 10, 2, 3), requested);
        var expected = EngineMatrix.InstructionSets.SkipWhile(isa => isa != OwnPath(requested))
            .Where(isa => OwnPath(isa) == isa).First(EngineMatrix.IsSupported);
        Assert.Equal(expected, kernel.InstructionSet);
        Assert.Equal(expected switch
        {
            KernelInstructionSet.Avx512 => 64,
            KernelInstructionSet.Avx2 => 32,
            _ => 16,
        }, kernel.BlockRows);
    }

    [Fact]
    public void EveryPathTheCpuHasIsInTheMatrix()
    {
        // On the CI machine (AVX-512) this is all four; elsewhere at least scalar.
        foreach (var isa in EngineMatrix.InstructionSets.Where(EngineMatrix.IsSupported))
        {
            Assert.Contains(EngineMatrix.Engines, e => e.Name == "generic-" + isa.ToString().ToLowerInvariant());
            var kernel = (GenericKernel)EngineMatrix.Create("generic-" + isa.ToString().ToLowerInvariant(), RandomModels.Create(2, 5, 1, 2));
            Assert.Equal(OwnPath(isa), kernel.InstructionSet);
            // The matrix's generic-avx2fused engine really runs Multiply on the fused AVX2 runtime (the model fits it).
            Assert.Equal(isa == KernelInstructionSet.Avx2Fused ? KernelInstructionSet.Avx2Fused : OwnPath(isa), kernel.MultiplyPath);
        }
    }

    /// <summary>The generic kernel's block path (every operation but Multiply's whole tiles): Avx512Vbmi runs its
    /// AVX-512 path (it has no fused VBMI steps), Avx2Fused its AVX2 one, Vector128Fused its 128-bit one (no fused
    /// 128-bit steps either).</summary>
    private static KernelInstructionSet OwnPath(KernelInstructionSet isa) => isa switch
    {
        KernelInstructionSet.Avx512Vbmi => KernelInstructionSet.Avx512,
        KernelInstructionSet.Avx2Fused => KernelInstructionSet.Avx2,
        KernelInstructionSet.Vector128Fused => KernelInstructionSet.Vector128,
        _ => isa,
    };

    [Fact]
    public void AutoTakesTheWidestSupportedPath()
    {
        var kernel = GenericKernel.Create(RandomModels.Create(1, 10, 2, 3));
        // 512-bit only where the runtime calls it accelerated (not on parts where it lowers the clock).
        var expected = EngineMatrix.InstructionSets
            .Where(isa => isa != KernelInstructionSet.Avx512Vbmi && isa != KernelInstructionSet.Avx2Fused && isa != KernelInstructionSet.Vector128Fused)
            .Where(isa => isa != KernelInstructionSet.Avx512 || System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            .First(EngineMatrix.IsSupported);
        Assert.Equal(expected, kernel.InstructionSet);
        Assert.Equal("generic", kernel.Backend);
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void HotPathAllocatesNothing(KernelInstructionSet isa)
    {
        // C = 256 and M = 300: the largest scratch the kernel keeps on the stack, and several output chunks.
        var model = RandomModels.Create(3, 700, 300, 256);
        var kernel = GenericKernel.Create(model, isa);
        int rows = 150;
        float[] x = RandomModels.Rows(3, model, rows);
        var codes = new byte[rows * model.Codebooks];
        var sums = new int[rows * model.OutputDimension];
        var y = new float[rows * model.OutputDimension];
        void Run()
        {
            kernel.Multiply(x, y);
            kernel.MultiplyColumnMajor(x, y);
            kernel.Encode(x, codes);
            kernel.EncodeColumnMajor(x, codes);
            kernel.Aggregate(codes, sums);
            kernel.Multiply(codes, y);
        }

        Run(); // compiles everything first
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<ArgumentNullException>("model", () => GenericKernel.Create(null!));
        Assert.Throws<ArgumentOutOfRangeException>("requested",
            () => GenericKernel.Create(RandomModels.Create(1, 10, 2, 3), (KernelInstructionSet)99));
    }
}
