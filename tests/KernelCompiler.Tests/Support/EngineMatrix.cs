using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Generic;

namespace KernelCompiler.Tests;

/// <summary>
/// The registry of engines every correctness case runs through, each compared with the reference. Adding an engine
/// is one line in <see cref="Register"/>: a name and a factory, or a backend and a factory per instruction set.
/// </summary>
public static class EngineMatrix
{
    /// <summary>Every forced path, widest first.</summary>
    public static readonly KernelInstructionSet[] InstructionSets =
    [
        KernelInstructionSet.Avx512Vbmi, KernelInstructionSet.Avx512, KernelInstructionSet.Avx2Fused, KernelInstructionSet.Avx2,
        KernelInstructionSet.Vector128Fused, KernelInstructionSet.Vector128, KernelInstructionSet.Scalar,
    ];

    public static IReadOnlyList<(string Name, Func<LutModel, LutKernel> Create)> Engines { get; } = Register();

    /// <summary>Engine names for <c>MemberData</c>.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var engine in Engines) data.Add(engine.Name);
        return data;
    }

    public static LutKernel Create(string name, LutModel model)
    {
        foreach (var engine in Engines)
        {
            if (engine.Name == name) return engine.Create(model);
        }

        throw new ArgumentException("No engine named " + name + " on this machine.", nameof(name));
    }

    /// <summary>Whether this CPU can run <paramref name="instructionSet"/> natively, decided from the hardware flags
    /// alone (not from any kernel's own choice, so a kernel that silently falls back is caught).</summary>
    public static bool IsSupported(KernelInstructionSet instructionSet) => instructionSet switch
    {
        KernelInstructionSet.Avx512Vbmi => Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported,
        KernelInstructionSet.Avx512 => Avx512F.IsSupported && Avx512BW.IsSupported,
        KernelInstructionSet.Avx2 or KernelInstructionSet.Avx2Fused => Avx2.IsSupported && Fma.IsSupported,
        KernelInstructionSet.Vector128 or KernelInstructionSet.Vector128Fused => Ssse3.IsSupported || AdvSimd.Arm64.IsSupported,
        KernelInstructionSet.Scalar => true,
        _ => false,
    };

    private static List<(string Name, Func<LutModel, LutKernel> Create)> Register()
    {
        var engines = new List<(string Name, Func<LutModel, LutKernel> Create)>();
        PerInstructionSet(engines, "generic", (model, isa) => GenericKernel.Create(model, isa));
        PerInstructionSet(engines, "emitted", (model, isa) => LutKernel.Compile(model, new LutKernelOptions { InstructionSet = isa }));
        PerInstructionSet(engines, "generated", GeneratedEngine.Create);
        return engines;
    }

    /// <summary>Adds <c>backend-isa</c> for every instruction set this CPU supports, each forced.</summary>
    private static void PerInstructionSet(List<(string Name, Func<LutModel, LutKernel> Create)> engines, string backend,
        Func<LutModel, KernelInstructionSet, LutKernel> create)
    {
        foreach (var isa in InstructionSets)
        {
            if (IsSupported(isa))
            {
                engines.Add((backend + "-" + isa.ToString().ToLowerInvariant(), model => create(model, isa)));
            }
        }
    }
}
