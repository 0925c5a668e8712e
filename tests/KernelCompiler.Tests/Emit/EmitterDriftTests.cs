using System.Reflection;
using System.Reflection.Emit;
using KernelCompiler.Runtime;
using KernelCompiler.Emit;
using KernelCompiler.Emit.Paths;
using KernelCompiler.Planning;

namespace KernelCompiler.Tests.Emit;

/// <summary>
/// Drift between the two emitters, checked: for the same plan, the IL emitter's block steps (the struct it emits per
/// path) and Roslyn's compile of the C# writer's steps struct call the same vector and scalar operations in the same
/// order. Compared is the sequence of methods each step calls, read from the IL of both (the emitted
/// EncodeGroupCore / AggregateBlockCore against the generated EncodeGroup / AggregateBlock); a step that one emitter
/// changes alone changes its sequence.
/// </summary>
public class EmitterDriftTests
{
    public static TheoryData<string, int, int, int, LutAggregation, KernelStrategy> Cases() => new()
    {
        { "exact unrolled", 20, 3, 4, LutAggregation.Exact, KernelStrategy.Unrolled },
        { "exact table-driven", 40, 5, 8, LutAggregation.Exact, KernelStrategy.TableDriven },
        { "average unrolled", 33, 4, 16, LutAggregation.Average, KernelStrategy.Unrolled },
        { "average table-driven", 24, 2, 8, LutAggregation.Average, KernelStrategy.TableDriven },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EmittedAndGeneratedBlockStepsCallTheSameOperationsInTheSameOrder(string name, int d, int m, int c,
        LutAggregation aggregation, KernelStrategy strategy)
    {
        LutModel model = RandomModels.Create(11 + c, d, m, c, aggregation);
        var options = new LutKernelOptions { Strategy = strategy };
        var emitted = (EmittedKernel)LutKernel.Compile(model, options);
        string source = LutKernel.GenerateSource(model, options, "DriftKernel", "Drift");
        Assembly generated = GeneratedSource.Compile(new[] { source }, allowUnsafe: true);
        // Every block path this CPU runs is compared (the emitter emits exactly those). The fused AVX2 path runs among
        // the block paths but has no block steps (its steps are compared by the fused test below).
        string[] expectedPaths = KernelPathPolicy.PathsFor(KernelInstructionSet.Auto, fuse: false)
            .Where(p => KernelPathPolicy.IsSupported(p, auto: true)).Select(p => p.Name).ToArray();
        EmittedPath[] blockPaths = emitted.BlockPaths.Where(p => !p.Path.IsFused).ToArray();
        Assert.Equal(expectedPaths, blockPaths.Select(p => p.Path.Name).ToArray());
        foreach (EmittedPath path in blockPaths)
        {
            Type emittedSteps = path.Run.Method.DeclaringType!;
            Type generatedSteps = generated.GetTypes().Single(t =>
                t.Name == path.Path.Name + "Steps" && typeof(IBlockKernelSteps).IsAssignableFrom(t));
            foreach ((string emittedStep, string generatedStep) in new[] { ("EncodeGroupCore", "EncodeGroup"), ("AggregateBlockCore", "AggregateBlock") })
            {
                AssertSameCalls(name + ", " + path.Path.Name + "." + generatedStep, emittedSteps, emittedStep, generatedSteps, generatedStep,
                    allowNone: path.Path.IsScalar);
            }
        }
    }

    public static TheoryData<string, int, int, int, LutAggregation, KernelInstructionSet> FusedCases() => new()
    {
        // AVX-512 VBMI: row-major input gathered through slots (D >= 16), read whole lines (D a multiple of 16, the row
        // phases), or narrower than a vector (D < 16, RowValues); more than 16 groups reload codes per output.
        { "vbmi exact gathered", 70, 9, 32, LutAggregation.Exact, KernelInstructionSet.Avx512Vbmi },
        { "vbmi exact phased", 64, 10, 16, LutAggregation.Exact, KernelInstructionSet.Avx512Vbmi },
        { "vbmi exact narrow, padded group", 13, 3, 5, LutAggregation.Exact, KernelInstructionSet.Avx512Vbmi },
        { "vbmi exact 64 codebooks", 300, 20, 64, LutAggregation.Exact, KernelInstructionSet.Avx512Vbmi },
        { "vbmi average", 70, 9, 32, LutAggregation.Average, KernelInstructionSet.Avx512Vbmi },
        { "vbmi average phased", 48, 5, 8, LutAggregation.Average, KernelInstructionSet.Avx512Vbmi },
        { "avx2 fused exact", 70, 9, 32, LutAggregation.Exact, KernelInstructionSet.Avx2Fused },
        { "avx2 fused exact odd", 13, 3, 5, LutAggregation.Exact, KernelInstructionSet.Avx2Fused },
        { "avx2 fused average", 48, 5, 8, LutAggregation.Average, KernelInstructionSet.Avx2Fused },
        { "avx2 fused average 16", 40, 7, 16, LutAggregation.Average, KernelInstructionSet.Avx2Fused },
        { "128-bit fused exact", 70, 9, 32, LutAggregation.Exact, KernelInstructionSet.Vector128Fused },
        { "128-bit fused exact odd", 13, 3, 5, LutAggregation.Exact, KernelInstructionSet.Vector128Fused },
        { "128-bit fused average", 48, 5, 8, LutAggregation.Average, KernelInstructionSet.Vector128Fused },
        { "128-bit fused average 16", 40, 7, 16, LutAggregation.Average, KernelInstructionSet.Vector128Fused },
    };

    /// <summary>The fused paths' steps (EncodeColumns, EncodeRows, Scan), emitted as a struct per path like the block
    /// steps, against the generated FusedSteps / Avx2FusedSteps: the same calls in the same order.</summary>
    [SkippableTheory]
    [MemberData(nameof(FusedCases))]
    public void EmittedAndGeneratedFusedStepsCallTheSameOperationsInTheSameOrder(string name, int d, int m, int c,
        LutAggregation aggregation, KernelInstructionSet isa)
    {
        bool vbmi = isa == KernelInstructionSet.Avx512Vbmi;
        bool v128 = isa == KernelInstructionSet.Vector128Fused;
        Skip.IfNot(vbmi ? FusedKernelRuntime.IsSupported : v128 ? FusedVector128KernelRuntime.IsSupported : FusedAvx2KernelRuntime.IsSupported,
            "This CPU lacks " + isa + ".");
        LutModel model = RandomModels.Create(17 + c, d, m, c, aggregation);
        var options = new LutKernelOptions { InstructionSet = isa };
        var emitted = (EmittedKernel)LutKernel.Compile(model, options);
        string source = LutKernel.GenerateSource(model, options, "DriftKernel", "Drift");
        Assembly generated = GeneratedSource.Compile(new[] { source }, allowUnsafe: true);
        Type emittedSteps;
        Type contract;
        if (vbmi)
        {
            Assert.True(emitted.Fused.HasValue, name + ": no fused VBMI steps emitted");
            emittedSteps = emitted.Fused!.Value.StepsType;
            contract = typeof(IFusedKernelSteps);
        }
        else
        {
            // The fused AVX2 and 128-bit paths' entry point is the runtime's Run closed over its steps type.
            EmittedPath path = Assert.Single(emitted.BlockPaths, p => p.Path.InstructionSet == isa);
            emittedSteps = Assert.Single(path.Run.Method.GetGenericArguments());
            contract = v128 ? typeof(IFusedVector128KernelSteps) : typeof(IFusedAvx2KernelSteps);
        }

        Assert.True(contract.IsAssignableFrom(emittedSteps) && emittedSteps.IsValueType, name + ": " + emittedSteps + " is not a " + contract.Name + " struct");
        Type generatedSteps = generated.GetTypes().Single(t => contract.IsAssignableFrom(t));
        Assert.Equal(generatedSteps.Name, emittedSteps.Name);
        foreach (string step in new[] { "EncodeColumns", "EncodeRows", "Scan" })
        {
            AssertSameCalls(name + ", " + generatedSteps.Name + "." + step, emittedSteps, step + "Core", generatedSteps, step, allowNone: false);
        }
    }

    private static void AssertSameCalls(string what, Type emittedSteps, string emittedStep, Type generatedSteps, string generatedStep, bool allowNone)
    {
        string[] fromIl = Calls(emittedSteps.GetMethod(emittedStep, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException(emittedSteps + " has no static " + emittedStep));
        string[] fromCSharp = Calls(generatedSteps.GetMethod(generatedStep, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException(generatedSteps + " has no " + generatedStep));
        Assert.True(fromIl.Length > 0 || allowNone, what + ": no calls read");
        int first = Enumerable.Range(0, Math.Min(fromIl.Length, fromCSharp.Length)).FirstOrDefault(i => fromIl[i] != fromCSharp[i], -1);
        Assert.True(fromIl.SequenceEqual(fromCSharp), what +
            ": the emitters differ" + (first >= 0
                ? " at call " + first + ": IL " + fromIl[first] + ", C# " + fromCSharp[first]
                : " in length: IL " + fromIl.Length + " calls, C# " + fromCSharp.Length) +
            "\nIL: " + string.Join(" ", fromIl.Skip(Math.Max(0, first - 5)).Take(40)) +
            "\nC#: " + string.Join(" ", fromCSharp.Skip(Math.Max(0, first - 5)).Take(40)));
    }

    /// <summary>Every block path has one writer and one emitter, of the same kind, both for that path; the vector
    /// paths' writer and emitter have the same members (the one place each path's instructions live, mirrored).</summary>
    [Fact]
    public void EveryBlockPathHasAWriterAndAnEmitterWithMirroredMembers()
    {
        foreach (KernelPath path in KernelPathPolicy.PathsFor(KernelInstructionSet.Auto, fuse: false))
        {
            CSharpPathWriter writer = CSharpPathWriter.For(path);
            IlPathEmitter emitter = IlPathEmitter.For(path);
            Assert.Same(path, writer.Path);
            Assert.Same(path, emitter.Path);
            Assert.Equal(writer is CSharpVectorPathWriter, emitter is IlVectorPathEmitter);
            Assert.Equal(writer.GetType().Name.Replace("CSharp", "").Replace("Writer", ""),
                emitter.GetType().Name.Replace("Il", "").Replace("Emitter", ""));
        }

        Assert.Throws<ArgumentException>(() => CSharpPathWriter.For(KernelPath.Avx512Vbmi));
        Assert.Throws<ArgumentException>(() => IlPathEmitter.For(KernelPath.Avx512Vbmi));
        // Two members are the writer's alone: Summary is the comment above a steps struct, and WriteSupport writes
        // helpers that test the CPU when the JIT compiles them (the IL emitter tests it when it emits).
        HashSet<string> writerMembers = Overridable(typeof(CSharpPathWriter));
        Assert.True(writerMembers.Remove("Summary") && writerMembers.Remove("WriteSupport"));
        Assert.Equal(writerMembers.Order(), Overridable(typeof(IlPathEmitter)).Order());
        Assert.Contains("WriteEncodeGroup", writerMembers);
        HashSet<string> vectorMembers = Overridable(typeof(CSharpVectorPathWriter));
        Assert.Contains("SelectThreshold", vectorMembers);
        Assert.Equal(vectorMembers.Order(), Overridable(typeof(IlVectorPathEmitter)).Order());
    }

    /// <summary>The abstract and virtual members a path class declares, by name.</summary>
    private static HashSet<string> Overridable(Type type)
        => type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m is MethodInfo { IsVirtual: true, IsSpecialName: false } or PropertyInfo)
            .Where(m => m is not PropertyInfo p || p.GetMethod!.IsVirtual)
            .Where(m => m is not MethodInfo { IsFinal: true })
            .Select(m => m.Name).ToHashSet();

    /// <summary>The methods a body calls, in IL order, as "Type.Name&lt;T&gt;(parameters)".</summary>
    private static string[] Calls(MethodInfo method)
    {
        byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
        var calls = new List<string>();
        for (int i = 0; i < il.Length;)
        {
            OpCode op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
            {
                MethodBase callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i))!;
                // Addressing differs by nature: C# reads its static data through spans and Unsafe.Add, the IL takes the
                // data as arguments and adds offsets itself. The operations on values are compared.
                // The 128-bit path's two x86/Arm64 instructions: C# calls its helpers, which test the CPU when the JIT
                // compiles them; the IL emitter tests it when it emits and calls the instruction.
                // The fused VBMI steps' helpers: the generated struct's own, the emitted steps' in EmittedFusedHelpers.
                if (callee.Name is "Lookup128" or "Average128" or "Level" or "RowValues")
                {
                    calls.Add(callee.Name);
                }
                else if (callee.Module != method.Module && callee.DeclaringType != typeof(System.Runtime.CompilerServices.Unsafe) &&
                    callee.DeclaringType != typeof(System.Runtime.InteropServices.MemoryMarshal) && callee.DeclaringType != typeof(AlignedBytes))
                {
                    calls.Add(Describe(callee) switch
                    {
                        "Ssse3.Shuffle(Vector128`1,Vector128`1)" or "Arm64.VectorTableLookup(Vector128`1,Vector128`1)" => "Lookup128",
                        "Sse2.Average(Vector128`1,Vector128`1)" or "AdvSimd.FusedAddRoundedHalving(Vector128`1,Vector128`1)" => "Average128",
                        string other => other,
                    });
                }
            }

            i += OperandSize(op, il, i);
        }

        return calls.ToArray();
    }

    private static string Describe(MethodBase callee)
        => callee.DeclaringType!.Name + "." + callee.Name +
           (callee.IsGenericMethod ? "<" + string.Join(",", callee.GetGenericArguments().Select(t => t.Name)) + ">" : "") +
           "(" + string.Join(",", callee.GetParameters().Select(p => p.ParameterType.Name)) + ")";

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static EmitterDriftTests()
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            if (op.Size == 1) OneByte[(ushort)op.Value] = op;
            else TwoByte[(ushort)op.Value & 0xFF] = op;
        }
    }

    private static int OperandSize(OpCode op, byte[] il, int at) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
