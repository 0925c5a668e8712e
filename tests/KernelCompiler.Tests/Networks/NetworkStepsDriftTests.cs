using System.Reflection;
using System.Reflection.Emit;
using KernelCompiler.Emit;
using KernelCompiler.NetworkKernels;
using KernelCompiler.Runtime;

namespace KernelCompiler.Tests.Networks;

/// <summary>
/// Drift between the two network emitters, checked: for the same plan, the IL emitter's network steps
/// (<see cref="IlNetworkEmitter"/>) and Roslyn's compile of the C# writer's steps struct have the same per-layer, per-path
/// encode methods, and each calls the same helpers with the same constants (split slots, float and folded thresholds)
/// in the same order. Compared is the sequence of calls and constant loads read from the IL of both; a one-constant
/// change on one side is seen (tested).
/// </summary>
public sealed class NetworkStepsDriftTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        foreach (int seed in Enumerable.Range(0, 40).Where(s => s % 4 == 1)) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Emitted_and_generated_steps_call_the_same_helpers_with_the_same_constants(int seed)
    {
        NetworkPlan plan = NetworkPlan.Create(FusedNetworkTests.RandomNetwork(seed));
        Type emitted = IlNetworkEmitter.Emit(plan).StepsType;
        Type generated = GeneratedSteps(plan);
        int compared = 0;
        Assert.Null(FirstDifference(plan, emitted, generated, ref compared));
        Assert.Equal(plan.Layers.Sum(l => NetworkStepsShape.Paths.Count(p => NetworkStepsShape.Has(l, p))), compared);
    }

    [Fact]
    public void A_one_constant_change_on_one_side_is_seen()
    {
        LutNetwork network = FusedNetworkTests.RandomNetwork(Enumerable.Range(0, 200).First(s =>
        {
            LutNetwork n = FusedNetworkTests.RandomNetwork(s);
            return n.Layers.Count >= 2 && n.Layers[0] is LutLayer && n.Layers[1] is LutLayer;
        }));
        NetworkPlan plan = NetworkPlan.Create(network);
        Type emitted = IlNetworkEmitter.Emit(plan).StepsType;

        // One folded threshold one higher in the C#.
        int[] folded = plan.Layers[1].FoldedThresholds!.ToArray();
        folded[folded.Length / 2]++;
        var given = new int[]?[network.Layers.Count];
        given[1] = folded;
        int compared = 0;
        string? difference = FirstDifference(plan, emitted, GeneratedSteps(NetworkPlan.Create(network, given)), ref compared);
        Assert.NotNull(difference);
        Assert.Contains("Layer1Encode", difference);

        // One float threshold of the first layer one ulp higher in the C#.
        var first = (LutLayer)network.Layers[0];
        float[] thresholds = first.Model.Thresholds.ToArray();
        thresholds[3] = MathF.BitIncrement(thresholds[3]);
        LutModel m = first.Model;
        var moved = new LutNetwork(network.Name, network.Input, network.Layers.Select((l, k) => k == 0
            ? new LutLayer(new LutModel(m.InputDimension, m.OutputDimension, m.SplitDimensions.ToArray(), thresholds, m.Tables.ToArray(),
                m.Steps.ToArray(), m.Offsets.ToArray(), m.Aggregation, null, m.Name, m.Producer), first.Activation)
            : l).ToArray(), network.Head);
        var keep = plan.Layers.Select(l => l.FoldedThresholds).ToArray();
        compared = 0;
        difference = FirstDifference(plan, emitted, GeneratedSteps(NetworkPlan.Create(moved, keep)), ref compared);
        Assert.NotNull(difference);
        Assert.Contains("Layer0Encode", difference);
    }

    private static Type GeneratedSteps(NetworkPlan plan)
    {
        string source = CSharpNetworkWriter.Write(plan, new KernelSourceInfo("Drift", "Generated", "public", "net.lut.json"));
        Assembly assembly = GeneratedSource.Compile([source]);
        return assembly.GetTypes().Single(t => t.IsValueType && typeof(INetworkKernelSteps).IsAssignableFrom(t));
    }

    /// <summary>Null when every encode method of <paramref name="plan"/> reads the same in both types, else where
    /// they first differ.</summary>
    private static string? FirstDifference(NetworkPlan plan, Type emitted, Type generated, ref int compared)
    {
        foreach (NetworkLayerPlan layer in plan.Layers)
        {
            foreach (string path in NetworkStepsShape.Paths)
            {
                string name = NetworkStepsShape.MethodName(layer.Index, path);
                MethodInfo? e = emitted.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static);
                MethodInfo? g = generated.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static);
                if (!NetworkStepsShape.Has(layer, path))
                {
                    if (e is not null || g is not null) return name + ": present though the layer has no " + path + " encode";
                    continue;
                }

                compared++;
                int parts = NetworkStepsShape.Parts(plan, layer.Index, path).Count;
                foreach (string method in Enumerable.Range(0, parts).Select(j => NetworkStepsShape.PartName(layer.Index, path, j)).Prepend(name))
                {
                    e = emitted.GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static);
                    g = generated.GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static);
                    if (e is null || g is null) return method + ": missing in the " + (e is null ? "IL" : "C#");
                    string[] fromIl = Operations(e), fromCSharp = Operations(g);
                    if (fromIl.Length == 0) return method + ": no operations read";
                    int first = Enumerable.Range(0, Math.Min(fromIl.Length, fromCSharp.Length)).FirstOrDefault(i => fromIl[i] != fromCSharp[i], -1);
                    if (first >= 0) return method + " differs at operation " + first + ": IL " + fromIl[first] + ", C# " + fromCSharp[first];
                    if (fromIl.Length != fromCSharp.Length) return method + " differs in length: IL " + fromIl.Length + ", C# " + fromCSharp.Length;
                }
            }
        }

        return null;
    }

    /// <summary>The calls (as "Type.Name(parameters)") and the constants loaded (int values, float bits) of a body, in
    /// IL order; the short and long forms of a constant load read the same.</summary>
    private static string[] Operations(MethodInfo method)
    {
        byte[] il = method.GetMethodBody()!.GetILAsByteArray()!;
        var operations = new List<string>();
        for (int i = 0; i < il.Length;)
        {
            OpCode op = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
            {
                MethodBase callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i))!;
                // The steps types are named differently (the generated one is file-local): their own methods by name.
                operations.Add((callee.DeclaringType == method.DeclaringType ? "steps" : callee.DeclaringType!.Name) + "." + callee.Name + "(" +
                    string.Join(",", callee.GetParameters().Select(p => p.ParameterType.Name)) + ")");
            }
            else if (op == OpCodes.Ldc_I4) operations.Add("i" + BitConverter.ToInt32(il, i));
            else if (op == OpCodes.Ldc_I4_S) operations.Add("i" + (sbyte)il[i]);
            else if (op == OpCodes.Ldc_I4_M1) operations.Add("i-1");
            else if (op.Value >= OpCodes.Ldc_I4_0.Value && op.Value <= OpCodes.Ldc_I4_8.Value) operations.Add("i" + (op.Value - OpCodes.Ldc_I4_0.Value));
            else if (op == OpCodes.Ldc_R4) operations.Add("f" + BitConverter.ToInt32(il, i).ToString("X8"));

            i += OperandSize(op, il, i);
        }

        return operations.ToArray();
    }

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static NetworkStepsDriftTests()
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
