using KernelCompiler.Runtime;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using KernelCompiler.Emit;

namespace KernelCompiler.Tests.Emit;

/// <summary>The IL-emitted kernel against the reference, on every path this CPU supports (narrower paths forced
/// through the options, so AVX2 and 128-bit code run on an AVX-512 machine too).</summary>
public class EmittedKernelTests
{
    public static TheoryData<KernelInstructionSet> InstructionSets => new()
    {
        KernelInstructionSet.Auto, KernelInstructionSet.Avx512Vbmi, KernelInstructionSet.Avx512, KernelInstructionSet.Avx2Fused,
        KernelInstructionSet.Avx2, KernelInstructionSet.Vector128Fused, KernelInstructionSet.Vector128, KernelInstructionSet.Scalar,
    };

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void EmittedKernelsMatchTheReference(KernelInstructionSet instructionSet)
    {
        var options = new LutKernelOptions { InstructionSet = instructionSet };
        for (int i = 0; i < KernelEquivalence.Models.Count; i++)
        {
            var kernel = LutKernel.Compile(KernelEquivalence.Models[i], options);
            Assert.Equal("emitted", kernel.Backend);
            KernelEquivalence.AssertMatchesReference(kernel, seed: 1000 + 100 * i);
        }
    }

    [Theory]
    [MemberData(nameof(InstructionSets))]
    public void TableDrivenKernelsMatchTheReference(KernelInstructionSet instructionSet)
    {
        var models = KernelEquivalence.LargeModels.Concat(KernelEquivalence.Models.Where(m => m.Codebooks > 2).Take(3));
        foreach (var model in models)
        {
            var kernel = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = instructionSet, Strategy = KernelStrategy.TableDriven });
            Assert.False(((EmittedKernel)kernel).Plan.IsUnrolled);
            KernelEquivalence.AssertMatchesReference(kernel, model.Codebooks, [0, 1, 16, 33, 64, 65, 130]);
        }
    }

    [Fact]
    public void ForcingAnInstructionSetEmitsThatPathAndTheNarrowerOnes()
    {
        var model = KernelEquivalence.Models[2];
        string Paths(KernelInstructionSet isa)
            => ((EmittedKernel)LutKernel.Compile(model, new LutKernelOptions { InstructionSet = isa })).PathNames;

        Assert.Equal("Scalar", Paths(KernelInstructionSet.Scalar));
        if (Ssse3.IsSupported) Assert.Equal("Vector128, Scalar", Paths(KernelInstructionSet.Vector128));
        if (Ssse3.IsSupported) Assert.Equal("Vector128Fused, Vector128, Scalar", Paths(KernelInstructionSet.Vector128Fused));
        if (Avx2.IsSupported) Assert.Equal("Avx2, Vector128Fused, Vector128, Scalar", Paths(KernelInstructionSet.Avx2));
        if (Avx2.IsSupported && Fma.IsSupported) Assert.Equal("Avx2Fused, Avx2, Vector128Fused, Vector128, Scalar", Paths(KernelInstructionSet.Avx2Fused));
        if (Avx512BW.IsSupported) Assert.Equal("Avx512, Avx2Fused, Avx2, Vector128Fused, Vector128, Scalar", Paths(KernelInstructionSet.Avx512));
        if (Avx512BW.IsSupported)
        {
            // The model averages; the fused path takes it where the CPU has VBMI. Auto puts the fused AVX2 path ahead
            // of the AVX-512 blocks.
            Assert.Equal((FusedKernelRuntime.IsSupported ? "Avx512Vbmi, " : "") + "Avx2Fused, Avx512, Avx2, Vector128Fused, Vector128, Scalar", Paths(KernelInstructionSet.Auto));
        }
    }

    [Fact]
    public void LargeModelsBuildTableDrivenWithAReason()
    {
        // C = 256, M = 1000: too many codebooks to unroll; must still build and agree.
        var model = RandomModels.Create(30, 512, 1000, 256);
        var kernel = (EmittedKernel)LutKernel.Compile(model);
        Assert.Equal(KernelStrategy.TableDriven, kernel.Plan.Strategy);
        Assert.Contains("256 codebooks", kernel.Plan.StrategyReason);
        KernelEquivalence.AssertMatchesReference(kernel, 3, 5);
        KernelEquivalence.AssertMatchesReference(kernel, 65, 6);

        var small = (EmittedKernel)LutKernel.Compile(KernelEquivalence.Models[4]);
        Assert.Equal(KernelStrategy.Unrolled, small.Plan.Strategy);
        Assert.Null(small.Plan.StrategyReason);
    }

    [Fact]
    public void OneKernelServesManyThreadsAtOnce()
    {
        var model = KernelEquivalence.Models[2];
        var kernel = LutKernel.Compile(model);
        var reference = LutKernel.CreateReference(model);
        Parallel.For(0, 16, i =>
        {
            int rows = 50 + 13 * i;
            float[] x = KernelEquivalence.Inputs(i, model, rows);
            var expected = new float[rows * model.OutputDimension];
            var actual = new float[rows * model.OutputDimension];
            reference.Multiply(x, expected);
            kernel.Multiply(x, actual);
            Assert.Equal(KernelEquivalence.Bits(expected), KernelEquivalence.Bits(actual));
        });
    }

    [Fact]
    public void ArgumentsAreCheckedAsEveryLutKernelChecksThem()
    {
        var kernel = LutKernel.Compile(RandomModels.Create(3, 10, 3, 4));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => kernel.Encode(new float[15], new byte[8])).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => kernel.Aggregate([0, 1, 16, 2], new int[3])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => kernel.Multiply(new float[20], new float[5])).ParamName);
    }
}
