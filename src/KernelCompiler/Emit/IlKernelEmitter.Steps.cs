using System;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The per-path steps, EncodeGroup and AggregateBlock, as IL: the same operations in the same order as
    // CSharpKernelWriter.Steps.cs (each method here is named after the one there). Keep the two files in step.
    internal static partial class IlKernelEmitter
    {
        private static readonly Type FloatRef = typeof(float).MakeByRefType();
        private static readonly Type ByteRef = typeof(byte).MakeByRefType();
        private static readonly Type IntRef = typeof(int).MakeByRefType();

        // EncodeGroup(ref float slots, ref byte block, nint row, ref float lanes, ref int slotOf)
        private const int SlotsArg = 0, BlockArg = 1, RowArg = 2, LanesArg = 3, SlotOfArg = 4;

        // AggregateBlock(ref byte block, ref byte table, ref int sums)
        private const int CodesArg = 0, TableArg = 1, SumsArg = 2;

        // The bodies below are static methods of the path's steps type (IlKernelEmitter.BlockSteps.cs), with the
        // threshold lanes and slots as arguments where the generated struct reads its static data.
        private static void EmitEncodeGroup(ILGenerator generator, KernelPlan plan, KernelPath path)
        {
            var il = new Il(generator);
            if (path.IsScalar)
            {
                WriteScalarEncodeGroup(il, plan);
            }
            else
            {
                WriteVectorEncodeGroup(il, plan, path);
            }

            il.Return();
        }

        private static void EmitAggregateBlock(ILGenerator generator, KernelPlan plan, KernelPath path)
        {
            var il = new Il(generator);
            if (path.IsScalar)
            {
                WriteScalarAggregateBlock(il, plan);
            }
            else
            {
                WriteVectorAggregateBlock(il, plan, path);
            }

            il.Return();
        }

        private static void WriteVectorEncodeGroup(Il il, KernelPlan plan, KernelPath path)
        {
            Type vf = Vec(path, typeof(float)), vi = Vec(path, typeof(int)), v = Static(path);
            int r = path.RowsPerBlock;
            // The 128-bit path selects deeper thresholds with the earlier levels' masks; the wider ones permute by node.
            bool masks = path.InstructionSet == KernelInstructionSet.Vector128;
            if (masks)
            {
                foreach (string name in new[] { "mask0", "mask1", "mask2" }) il.Declare(name, vf);
            }

            il.Declare("node", vi);
            MethodInfo load = Method(v, "LoadUnsafe", typeof(float), FloatRef, typeof(nuint));
            MethodInfo compare = Method(v, "GreaterThanOrEqual", typeof(float), vf, vf);
            MethodInfo add = vi.GetMethod("op_Addition", new[] { vi, vi })!;
            MethodInfo subtract = vi.GetMethod("op_Subtraction", new[] { vi, vi })!;
            MethodInfo asInt = Method(v, "AsInt32", typeof(float), vf);
            ForEachCodebook(il, plan, c =>
            {
                il.Call(vi.GetProperty("Zero")!.GetMethod!);
                il.Store("node");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    // node = node + node - V.GreaterThanOrEqual(V.LoadUnsafe(ref slots, (nuint)(slot offset + row)),
                    // threshold).AsInt32(), in the C# compiler's order: node + node first.
                    il.Load("node");
                    il.Load("node");
                    il.Call(add);
                    il.Arg(SlotsArg);
                    SlotOffset(il, plan, c, level, r);
                    il.Op(OpCodes.Conv_I);
                    il.Arg(RowArg);
                    il.Op(OpCodes.Add);
                    il.Op(OpCodes.Conv_U);
                    il.Call(load);
                    SelectThreshold(il, plan, path, c, level);
                    il.Call(compare);
                    if (masks && level < LutModel.TreeDepth - 1)
                    {
                        // (maskN = compare), kept for the next levels' selects
                        il.Op(OpCodes.Dup);
                        il.Store("mask" + level);
                    }

                    il.Call(asInt);
                    il.Call(subtract);
                    il.Store("node");
                }

                StoreNodes(il, path, c);
            });
        }

        private static void SlotOffset(Il il, KernelPlan plan, Codebook c, int level, int rows)
        {
            if (c.IsConstant)
            {
                il.Int(plan.SlotOf(c.Value, level) * rows);
                return;
            }

            // Unsafe.Add(ref slotOf, c * 4 + level) * rows
            Element(il, SlotOfArg, 4, () => c.Scaled(il, LutModel.TreeDepth, level));
            il.Op(OpCodes.Ldind_I4);
            il.Int(rows);
            il.Op(OpCodes.Mul);
        }

        private static void SelectThreshold(Il il, KernelPlan plan, KernelPath path, Codebook c, int level)
        {
            Type v = Static(path);
            if (level == 0)
            {
                Lane(il, plan, c, 0, 0);
                il.Call(Method(v, "Create", null, typeof(float)));
                return;
            }

            if (path.InstructionSet == KernelInstructionSet.Vector128)
            {
                SelectTree(il, plan, c, level, 0, 0);
                return;
            }

            Type lanes = typeof(Vector256<float>);
            if (c.IsConstant)
            {
                for (int j = 0; j < KernelPlan.LanesPerLevel; j++)
                {
                    il.Float(plan.ThresholdLanes[(c.Value * LutModel.TreeDepth + level) * KernelPlan.LanesPerLevel + j]);
                }

                il.Call(Method(typeof(Vector256), "Create", null, Repeat(typeof(float), KernelPlan.LanesPerLevel)));
            }
            else
            {
                il.Arg(LanesArg);
                c.Scaled(il, 32, level * 8);
                il.Op(OpCodes.Conv_U);
                il.Call(Method(typeof(Vector256), "LoadUnsafe", typeof(float), FloatRef, typeof(nuint)));
            }

            if (path.InstructionSet == KernelInstructionSet.Avx512)
            {
                // Vector512.Create(lanes) then the 16-lane permute; nodes are below 8, so only the low half is read.
                il.Call(MethodAny(typeof(Vector512), "Create", typeof(float), lanes));
                il.Load("node");
                il.Call(Method(typeof(Avx512F), "PermuteVar16x32", null, typeof(Vector512<float>), typeof(Vector512<int>)));
            }
            else
            {
                il.Load("node");
                il.Call(Method(typeof(Avx2), "PermuteVar8x32", null, typeof(Vector256<float>), typeof(Vector256<int>)));
            }
        }

        private static void SelectTree(Il il, KernelPlan plan, Codebook c, int level, int depth, int prefix)
        {
            if (depth == level)
            {
                Lane(il, plan, c, level, prefix);
                il.Call(Method(typeof(Vector128), "Create", null, typeof(float)));
                return;
            }

            il.Load("mask" + depth);
            SelectTree(il, plan, c, level, depth + 1, prefix * 2 + 1);
            SelectTree(il, plan, c, level, depth + 1, prefix * 2);
            il.Call(Method(typeof(Vector128), "ConditionalSelect", typeof(float),
                typeof(Vector128<float>), typeof(Vector128<float>), typeof(Vector128<float>)));
        }

        private static void Lane(Il il, KernelPlan plan, Codebook c, int level, int node)
        {
            if (c.IsConstant)
            {
                il.Float(plan.Threshold(c.Value, level, node));
                return;
            }

            Element(il, LanesArg, 4, () => c.Scaled(il, 32, level * 8 + node));
            il.Op(OpCodes.Ldind_R4);
        }

        // Codes 0..15 narrowed from int lanes to bytes and stored at block[c * rows + row ..].
        private static void StoreNodes(Il il, KernelPath path, Codebook c)
        {
            int r = path.RowsPerBlock;
            if (path.InstructionSet == KernelInstructionSet.Avx512)
            {
                il.Load("node");
                il.Call(Method(typeof(Avx512F), "ConvertToVector128Byte", null, typeof(Vector512<int>)));
                il.Arg(BlockArg);
                c.Scaled(il, r, 0);
                il.Op(OpCodes.Conv_I);
                il.Arg(RowArg);
                il.Op(OpCodes.Add);
                il.Op(OpCodes.Conv_U);
                il.Call(Method(typeof(Vector128), "StoreUnsafe", typeof(byte), typeof(Vector128<byte>), ByteRef, typeof(nuint)));
                return;
            }

            // ref Unsafe.Add(ref block, c * rows + row)
            il.Arg(BlockArg);
            c.Scaled(il, r, 0);
            il.Op(OpCodes.Conv_I);
            il.Op(OpCodes.Add);
            il.Arg(RowArg);
            il.Op(OpCodes.Add);
            MethodInfo narrowInt = Method(typeof(Vector128), "Narrow", null, typeof(Vector128<int>), typeof(Vector128<int>));
            MethodInfo narrowShort = Method(typeof(Vector128), "Narrow", null, typeof(Vector128<short>), typeof(Vector128<short>));
            if (path.InstructionSet == KernelInstructionSet.Avx2)
            {
                il.Load("node");
                il.Call(Method(typeof(Vector256), "GetLower", typeof(int), typeof(Vector256<int>)));
                il.Load("node");
                il.Call(Method(typeof(Vector256), "GetUpper", typeof(int), typeof(Vector256<int>)));
            }
            else
            {
                il.Load("node");
                il.Load("node");
            }

            il.Call(narrowInt);
            il.Call(typeof(Vector128<short>).GetProperty("Zero")!.GetMethod!);
            il.Call(narrowShort);
            Type scalar = path.InstructionSet == KernelInstructionSet.Avx2 ? typeof(ulong) : typeof(uint);
            il.Call(Method(typeof(Vector128), scalar == typeof(ulong) ? "AsUInt64" : "AsUInt32", typeof(sbyte), typeof(Vector128<sbyte>)));
            il.Call(Method(typeof(Vector128), "ToScalar", scalar, typeof(Vector128<>).MakeGenericType(scalar)));
            il.Call(Method(typeof(Unsafe), "WriteUnaligned", scalar, ByteRef, scalar));
        }

        private static void WriteVectorAggregateBlock(Il il, KernelPlan plan, KernelPath path)
        {
            Type v = Static(path), vb = Vec(path, typeof(byte)), vu = Vec(path, typeof(ushort)), vi = Vec(path, typeof(int));
            int r = path.RowsPerBlock, g = plan.GroupSize;
            il.Declare("low", vu);
            il.Declare("high", vu);
            for (int i = 0; i < g; i++) il.Declare("looked" + i, vb);
            il.Call(vu.GetProperty("Zero")!.GetMethod!);
            il.Store("low");
            il.Call(vu.GetProperty("Zero")!.GetMethod!);
            il.Store("high");
            MethodInfo addUshort = vu.GetMethod("op_Addition", new[] { vu, vu })!;
            ForEachGroup(il, plan, c =>
            {
                for (int i = 0; i < g; i++)
                {
                    Lookup(il, path, c.Plus(i));
                    il.Store("looked" + i);
                }

                MethodInfo average = Average(path);
                for (int width = g; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        il.Load("looked" + (2 * i));
                        il.Load("looked" + (2 * i + 1));
                        il.Call(average);
                        il.Store("looked" + i);
                    }
                }

                il.Load("low");
                il.Load("looked0");
                il.Call(Method(v, "WidenLower", null, vb));
                il.Call(addUshort);
                il.Store("low");
                il.Load("high");
                il.Load("looked0");
                il.Call(Method(v, "WidenUpper", null, vb));
                il.Call(addUshort);
                il.Store("high");
            });

            // Rows in order: low holds the first half, high the second.
            string[] accumulators = { "low", "low", "high", "high" };
            for (int k = 0; k < 4; k++)
            {
                il.Load(accumulators[k]);
                il.Call(Method(v, k % 2 == 0 ? "WidenLower" : "WidenUpper", null, vu));
                il.Call(Method(v, "AsInt32", typeof(uint), Vec(path, typeof(uint))));
                if (plan.IsAverage)
                {
                    il.Int(g);
                    il.Call(vi.GetMethod("op_Multiply", new[] { vi, typeof(int) })!);
                    il.Int(plan.BiasCorrection);
                    il.Call(Method(v, "Create", null, typeof(int)));
                    il.Call(vi.GetMethod("op_Subtraction", new[] { vi, vi })!);
                }

                il.Arg(SumsArg);
                il.Int(k * path.FloatLanes);
                il.Op(OpCodes.Conv_U);
                il.Call(Method(v, "StoreUnsafe", typeof(int), vi, IntRef, typeof(nuint)));
            }
        }

        // One in-lane 16-entry lookup of codebook c's table for every row of the block.
        private static void Lookup(Il il, KernelPath path, Codebook c)
        {
            Type v = Static(path);
            il.Arg(TableArg);
            c.Scaled(il, 16, 0);
            il.Op(OpCodes.Conv_U);
            il.Call(Method(typeof(Vector128), "LoadUnsafe", typeof(byte), ByteRef, typeof(nuint)));
            if (path.InstructionSet != KernelInstructionSet.Vector128)
            {
                il.Call(MethodAny(v, "Create", typeof(byte), typeof(Vector128<byte>)));
            }

            il.Arg(CodesArg);
            c.Scaled(il, path.RowsPerBlock, 0);
            il.Op(OpCodes.Conv_U);
            il.Call(Method(v, "LoadUnsafe", typeof(byte), ByteRef, typeof(nuint)));
            switch (path.InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    il.Call(Method(typeof(Avx512BW), "Shuffle", null, typeof(Vector512<byte>), typeof(Vector512<byte>)));
                    break;
                case KernelInstructionSet.Avx2:
                    il.Call(Method(typeof(Avx2), "Shuffle", null, typeof(Vector256<byte>), typeof(Vector256<byte>)));
                    break;
                default:
                    // Lookup128: Ssse3.Shuffle on x86, tbl on Arm64 (the guard is decided now).
                    il.Call(Ssse3.IsSupported
                        ? Method(typeof(Ssse3), "Shuffle", null, typeof(Vector128<byte>), typeof(Vector128<byte>))
                        : Method(typeof(AdvSimd.Arm64), "VectorTableLookup", null, typeof(Vector128<byte>), typeof(Vector128<byte>)));
                    break;
            }
        }

        private static MethodInfo Average(KernelPath path)
        {
            switch (path.InstructionSet)
            {
                case KernelInstructionSet.Avx512:
                    return Method(typeof(Avx512BW), "Average", null, typeof(Vector512<byte>), typeof(Vector512<byte>));
                case KernelInstructionSet.Avx2:
                    return Method(typeof(Avx2), "Average", null, typeof(Vector256<byte>), typeof(Vector256<byte>));
                default:
                    // Average128: pavgb on x86, urhadd on Arm64; both (a + b + 1) >> 1.
                    return Sse2.IsSupported
                        ? Method(typeof(Sse2), "Average", null, typeof(Vector128<byte>), typeof(Vector128<byte>))
                        : Method(typeof(AdvSimd), "FusedAddRoundedHalving", null, typeof(Vector128<byte>), typeof(Vector128<byte>));
            }
        }

        private static void WriteScalarEncodeGroup(Il il, KernelPlan plan)
        {
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c++)
                {
                    ScalarTree(il, plan, c, 0, 0);
                }

                return;
            }

            il.Declare("c", typeof(int));
            il.Declare("node", typeof(int));
            var cb = Codebook.Variable("c");
            il.Loop("c", plan.Codebooks, 1, () =>
            {
                il.Int(0);
                il.Store("node");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    // node = node + node + (slots[slotOf[c * 4 + level]] >= lanes[c * 32 + level * 8 + node] ? 1 : 0)
                    il.Load("node");
                    il.Load("node");
                    il.Op(OpCodes.Add);
                    int l = level;
                    Element(il, SlotsArg, 4, () =>
                    {
                        Element(il, SlotOfArg, 4, () => cb.Scaled(il, LutModel.TreeDepth, l));
                        il.Op(OpCodes.Ldind_I4);
                    });
                    il.Op(OpCodes.Ldind_R4);
                    Element(il, LanesArg, 4, () =>
                    {
                        cb.Scaled(il, 32, l * 8);
                        il.Load("node");
                        il.Op(OpCodes.Add);
                    });
                    il.Op(OpCodes.Ldind_R4);
                    GreaterOrEqualAsInt(il);
                    il.Op(OpCodes.Add);
                    il.Store("node");
                }

                Element(il, BlockArg, 1, () => il.Load("c"));
                il.Load("node");
                il.Op(OpCodes.Stind_I1);
            });
        }

        // Nested decisions, as the C# writer's if/else tree: bge is taken only when value >= threshold (ordered),
        // so NaN goes left.
        private static void ScalarTree(Il il, KernelPlan plan, int c, int level, int node)
        {
            if (level == LutModel.TreeDepth - 1)
            {
                Element(il, BlockArg, 1, () => il.Int(c));
                ScalarValue(il, plan, c, level);
                il.Float(plan.Threshold(c, level, node));
                GreaterOrEqualAsInt(il);
                il.Int(2 * node);
                il.Op(OpCodes.Add);
                il.Op(OpCodes.Stind_I1);
                return;
            }

            Label right = il.G.DefineLabel();
            Label end = il.G.DefineLabel();
            ScalarValue(il, plan, c, level);
            il.Float(plan.Threshold(c, level, node));
            il.G.Emit(OpCodes.Bge, right);
            ScalarTree(il, plan, c, level + 1, 2 * node);
            il.G.Emit(OpCodes.Br, end);
            il.G.MarkLabel(right);
            ScalarTree(il, plan, c, level + 1, 2 * node + 1);
            il.G.MarkLabel(end);
        }

        private static void ScalarValue(Il il, KernelPlan plan, int c, int level)
        {
            Element(il, SlotsArg, 4, () => il.Int(plan.SlotOf(c, level)));
            il.Op(OpCodes.Ldind_R4);
        }

        // (a >= b ? 1 : 0) for two floats on the stack: not (a < b or unordered).
        private static void GreaterOrEqualAsInt(Il il)
        {
            il.Op(OpCodes.Clt_Un);
            il.Int(0);
            il.Op(OpCodes.Ceq);
        }

        private static void WriteScalarAggregateBlock(Il il, KernelPlan plan)
        {
            int g = plan.GroupSize;
            il.Declare("sum", typeof(int));
            for (int i = 0; i < g; i++) il.Declare("looked" + i, typeof(int));
            il.Int(0);
            il.Store("sum");
            ForEachGroup(il, plan, c =>
            {
                for (int i = 0; i < g; i++)
                {
                    // looked_i = table[(c + i) * 16 + block[c + i]]
                    Codebook ci = c.Plus(i);
                    Element(il, TableArg, 1, () =>
                    {
                        ci.Scaled(il, 16, 0);
                        Element(il, CodesArg, 1, () => ci.Scaled(il, 1, 0));
                        il.Op(OpCodes.Ldind_U1);
                        il.Op(OpCodes.Add);
                    });
                    il.Op(OpCodes.Ldind_U1);
                    il.Store("looked" + i);
                }

                for (int width = g; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        il.Load("looked" + (2 * i));
                        il.Load("looked" + (2 * i + 1));
                        il.Op(OpCodes.Add);
                        il.Int(1);
                        il.Op(OpCodes.Add);
                        il.Int(1);
                        il.Op(OpCodes.Shr);
                        il.Store("looked" + i);
                    }
                }

                il.Load("sum");
                il.Load("looked0");
                il.Op(OpCodes.Add);
                il.Store("sum");
            });

            il.Arg(SumsArg);
            il.Load("sum");
            if (plan.IsAverage)
            {
                il.Int(g);
                il.Op(OpCodes.Mul);
                il.Int(plan.BiasCorrection);
                il.Op(OpCodes.Sub);
            }

            il.Op(OpCodes.Stind_I4);
        }

        // ref Unsafe.Add(ref arg, index) for elements of elementSize bytes.
        private static void Element(Il il, int arg, int elementSize, Action index)
        {
            il.Arg(arg);
            index();
            il.Op(OpCodes.Conv_I);
            if (elementSize != 1)
            {
                il.Int(elementSize);
                il.Op(OpCodes.Mul);
            }

            il.Op(OpCodes.Add);
        }

        private static void ForEachCodebook(Il il, KernelPlan plan, Action<Codebook> body)
        {
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c++)
                {
                    body(Codebook.Constant(c));
                }

                return;
            }

            il.Declare("c", typeof(int));
            il.Loop("c", plan.Codebooks, 1, () => body(Codebook.Variable("c")));
        }

        private static void ForEachGroup(Il il, KernelPlan plan, Action<Codebook> body)
        {
            int g = plan.GroupSize;
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c += g)
                {
                    body(Codebook.Constant(c));
                }

                return;
            }

            il.Declare("c", typeof(int));
            il.Loop("c", plan.Codebooks, g, () => body(Codebook.Variable("c")));
        }

        private static Type Static(KernelPath path)
            => path.InstructionSet == KernelInstructionSet.Avx512 ? typeof(Vector512)
                : path.InstructionSet == KernelInstructionSet.Avx2 ? typeof(Vector256) : typeof(Vector128);

        private static Type Vec(KernelPath path, Type element)
            => (path.InstructionSet == KernelInstructionSet.Avx512 ? typeof(Vector512<>)
                : path.InstructionSet == KernelInstructionSet.Avx2 ? typeof(Vector256<>) : typeof(Vector128<>)).MakeGenericType(element);

        // A non-generic overload if there is one, else the generic one closed over the element type.
        private static MethodInfo MethodAny(Type owner, string name, Type element, params Type[] parameters)
        {
            MethodInfo? exact = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, parameters, null);
            return exact != null && !exact.IsGenericMethodDefinition ? exact : Method(owner, name, element, parameters);
        }

        private static Type[] Repeat(Type type, int count)
        {
            var types = new Type[count];
            for (int i = 0; i < count; i++) types[i] = type;
            return types;
        }

        /// <summary>The codebook a step works on: a constant (unrolled) or the loop counter plus a constant, as
        /// in the C# writer.</summary>
        private readonly struct Codebook
        {
            private readonly string? _variable;

            private Codebook(int value, string? variable)
            {
                Value = value;
                _variable = variable;
            }

            public int Value { get; }

            public bool IsConstant => _variable == null;

            public static Codebook Constant(int value) => new Codebook(value, null);

            public static Codebook Variable(string name) => new Codebook(0, name);

            public Codebook Plus(int i) => new Codebook(Value + i, _variable);

            /// <summary>Pushes codebook · scale + add (an int32).</summary>
            public void Scaled(Il il, int scale, int add)
            {
                if (_variable == null)
                {
                    il.Int(Value * scale + add);
                    return;
                }

                il.Load(_variable);
                if (Value != 0)
                {
                    il.Int(Value);
                    il.Op(OpCodes.Add);
                }

                if (scale != 1)
                {
                    il.Int(scale);
                    il.Op(OpCodes.Mul);
                }

                if (add != 0)
                {
                    il.Int(add);
                    il.Op(OpCodes.Add);
                }
            }
        }
    }
}
