using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Emit;
using KernelCompiler.Generic;
using KernelCompiler.Planning;

namespace KernelCompiler.Tests.Planning;

/// <summary>The one policy for which path runs (KernelPathPolicy): the planner's lists, the written guards, and the
/// emitted and generic kernels choosing the same path on this CPU.</summary>
public class KernelPathPolicyTests
{
    [Fact]
    public void PlansHoldTheRequestedPathAndEveryNarrowerOne()
    {
        string Names(KernelInstructionSet requested, bool fuse)
            => string.Join(",", KernelPathPolicy.PathsFor(requested, fuse).Select(p => p.Name));

        // Auto: the fused AVX2 path before the AVX-512 blocks (the faster of the two on AVX-512 without VBMI).
        Assert.Equal("Avx512Vbmi,Avx2Fused,Avx512,Avx2,Vector128Fused,Vector128,Scalar", Names(KernelInstructionSet.Auto, true));
        Assert.Equal("Avx512,Avx2,Vector128,Scalar", Names(KernelInstructionSet.Auto, false));
        Assert.Equal("Avx512,Avx2,Vector128,Scalar", Names(KernelInstructionSet.Avx512Vbmi, false));
        Assert.Equal("Avx512,Avx2Fused,Avx2,Vector128Fused,Vector128,Scalar", Names(KernelInstructionSet.Avx512, true));
        Assert.Equal("Avx2Fused,Avx2,Vector128Fused,Vector128,Scalar", Names(KernelInstructionSet.Avx2Fused, true));
        Assert.Equal("Avx2,Vector128,Scalar", Names(KernelInstructionSet.Avx2Fused, false));
        Assert.Equal("Avx2,Vector128Fused,Vector128,Scalar", Names(KernelInstructionSet.Avx2, true));
        Assert.Equal("Vector128Fused,Vector128,Scalar", Names(KernelInstructionSet.Vector128Fused, true));
        Assert.Equal("Vector128,Scalar", Names(KernelInstructionSet.Vector128Fused, false));
        Assert.Equal("Vector128,Scalar", Names(KernelInstructionSet.Vector128, true));
        Assert.Equal("Scalar", Names(KernelInstructionSet.Scalar, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelPathPolicy.PathsFor((KernelInstructionSet)99, true));
    }

    /// <summary>An AVX-512 CPU without VBMI (this one under DOTNET_EnableAVX512v2=0) runs Multiply on the fused AVX2
    /// path, not the AVX-512 blocks; forcing AVX-512 still runs the blocks.</summary>
    [Fact]
    public void AutoWithoutVbmiMultipliesOnTheFusedAvx2Path()
    {
        KernelPath FirstWithoutVbmi(KernelInstructionSet requested)
            => KernelPathPolicy.PathsFor(requested, fuse: true)
                .First(p => p != KernelPath.Avx512Vbmi && KernelPathPolicy.IsSupported(p, requested == KernelInstructionSet.Auto));

        if (Avx2.IsSupported && Fma.IsSupported)
        {
            Assert.Equal(KernelPath.Avx2Fused, FirstWithoutVbmi(KernelInstructionSet.Auto));
        }

        if (Avx512BW.IsSupported)
        {
            Assert.Equal(KernelPath.Avx512, FirstWithoutVbmi(KernelInstructionSet.Avx512));
        }

        var emitted = (EmittedKernel)LutKernel.Compile(RandomModels.Create(8, 24, 3, 4));
        string[] names = emitted.PathNames.Split(", ");
        if (names.Contains(KernelPath.Avx512.Name) && names.Contains(KernelPath.Avx2Fused.Name))
        {
            Assert.True(Array.IndexOf(names, KernelPath.Avx2Fused.Name) < Array.IndexOf(names, KernelPath.Avx512.Name), emitted.PathNames);
        }
    }

    [Fact]
    public void AutoGuardsHonourVector512AccelerationAndAvx2NeedsFma()
    {
        Assert.Equal("Vector512.IsHardwareAccelerated && Avx512BW.IsSupported", KernelPathPolicy.Guard(KernelPath.Avx512, auto: true));
        Assert.Equal("Avx512BW.IsSupported", KernelPathPolicy.Guard(KernelPath.Avx512, auto: false));
        Assert.StartsWith("Vector512.IsHardwareAccelerated && ", KernelPathPolicy.Guard(KernelPath.Avx512Vbmi, auto: true));
        Assert.Equal("Avx2.IsSupported && Fma.IsSupported", KernelPathPolicy.Guard(KernelPath.Avx2, auto: true));
        Assert.Equal("Avx2.IsSupported && Fma.IsSupported", KernelPathPolicy.Guard(KernelPath.Avx2, auto: false));
        Assert.Equal("global::KernelCompiler.Runtime.FusedAvx2KernelRuntime.IsSupported", KernelPathPolicy.Guard(KernelPath.Avx2Fused, auto: true));
        Assert.Equal(Avx2.IsSupported && Fma.IsSupported, KernelPathPolicy.IsSupported(KernelPath.Avx2Fused, auto: true));
        Assert.Equal("global::KernelCompiler.Runtime.FusedVector128KernelRuntime.IsSupported", KernelPathPolicy.Guard(KernelPath.Vector128Fused, auto: true));
        Assert.Equal(Ssse3.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported, KernelPathPolicy.IsSupported(KernelPath.Vector128Fused, auto: true));
        Assert.Equal("true", KernelPathPolicy.Guard(KernelPath.Scalar, auto: true));

        Assert.Equal(Vector512.IsHardwareAccelerated && Avx512BW.IsSupported, KernelPathPolicy.IsSupported(KernelPath.Avx512, auto: true));
        Assert.Equal(Avx512BW.IsSupported, KernelPathPolicy.IsSupported(KernelPath.Avx512, auto: false));
        Assert.Equal(Avx2.IsSupported && Fma.IsSupported, KernelPathPolicy.IsSupported(KernelPath.Avx2, auto: false));
    }

    /// <summary>For every request, the emitted kernel's widest block path is the generic kernel's path: one policy.</summary>
    [Fact]
    public void EmittedAndGenericKernelsRunTheSamePath()
    {
        LutModel model = RandomModels.Create(7, 24, 3, 4);
        foreach (KernelInstructionSet requested in Enum.GetValues<KernelInstructionSet>())
        {
            var emitted = (EmittedKernel)LutKernel.Compile(model, new LutKernelOptions { InstructionSet = requested });
            string firstBlockPath = emitted.PathNames.Split(", ").First(name => name != KernelPath.Avx512Vbmi.Name && name != KernelPath.Avx2Fused.Name && name != KernelPath.Vector128Fused.Name);
            Assert.Equal(GenericKernel.ChoosePath(requested).ToString(), firstBlockPath);
            bool fused = emitted.Fused.HasValue;
            Assert.Equal((requested == KernelInstructionSet.Auto || requested == KernelInstructionSet.Avx512Vbmi) &&
                KernelPathPolicy.IsSupported(KernelPath.Avx512Vbmi, requested == KernelInstructionSet.Auto), fused);
        }
    }
}
