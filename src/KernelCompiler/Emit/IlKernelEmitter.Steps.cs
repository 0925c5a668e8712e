using System;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using KernelCompiler.Emit.Paths;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The block steps, EncodeGroup and AggregateBlock, as IL: the same operations in the same order as
    // CSharpKernelWriter.Steps.cs (each method here is named after the one there), written once for the vector paths,
    // which supply their instructions (Paths/Il*PathEmitter.cs), and once for the scalar path. Keep the two files in step.
    internal static partial class IlKernelEmitter
    {
        internal static readonly Type FloatRef = IlMembers.FloatRef;
        internal static readonly Type ByteRef = IlMembers.ByteRef;
        internal static readonly Type IntRef = IlMembers.IntRef;

        // EncodeGroup(ref float slots, ref byte block, nint row, ref float lanes, ref int slotOf)
        internal const int SlotsArg = 0, BlockArg = 1, RowArg = 2, LanesArg = 3, SlotOfArg = 4;

        // AggregateBlock(ref byte block, ref byte table, ref int sums)
        internal const int CodesArg = 0, TableArg = 1, SumsArg = 2;

        // The bodies below are static methods of the path's steps type (IlKernelEmitter.BlockSteps.cs), with the
        // threshold lanes and slots as arguments where the generated struct reads its static data.
        private static void EmitEncodeGroup(ILGenerator generator, KernelPlan plan, IlPathEmitter path)
        {
            var il = new Il(generator);
            path.WriteEncodeGroup(il, plan);
            il.Return();
        }

        private static void EmitAggregateBlock(ILGenerator generator, KernelPlan plan, IlPathEmitter path)
        {
            var il = new Il(generator);
            path.WriteAggregateBlock(il, plan);
            il.Return();
        }

        internal static void WriteVectorEncodeGroup(Il il, KernelPlan plan, IlVectorPathEmitter path)
        {
            IlVectorMembers v = path.VectorType;
            int r = path.Path.RowsPerBlock;
            // A path without an eight-lane permute selects deeper thresholds with the earlier levels' masks.
            bool masks = path.KeepsLevelMasks;
            if (masks)
            {
                foreach (string name in new[] { "mask0", "mask1", "mask2" }) il.Declare(name, v.OfFloat);
            }

            il.Declare("node", v.OfInt);
            ForEachCodebook(il, plan, c =>
            {
                il.Call(v.IntZero);
                il.Store("node");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    // node = node + node - V.GreaterThanOrEqual(V.LoadUnsafe(ref slots, (nuint)(slot offset + row)),
                    // threshold).AsInt32(), in the C# compiler's order: node + node first.
                    il.Load("node");
                    il.Load("node");
                    il.Call(v.AddInt);
                    il.Arg(SlotsArg);
                    SlotOffset(il, plan, c, level, r);
                    il.Op(OpCodes.Conv_I);
                    il.Arg(RowArg);
                    il.Op(OpCodes.Add);
                    il.Op(OpCodes.Conv_U);
                    il.Call(v.LoadFloat);
                    SelectThreshold(il, plan, path, c, level);
                    il.Call(v.GreaterThanOrEqualFloat);
                    if (masks && level < LutModel.TreeDepth - 1)
                    {
                        // (maskN = compare), kept for the next levels' selects
                        il.Op(OpCodes.Dup);
                        il.Store("mask" + level);
                    }

                    il.Call(v.FloatAsInt32);
                    il.Call(v.SubtractInt);
                    il.Store("node");
                }

                // block[c * rows + row ..]
                path.StoreNodes(il, () =>
                {
                    c.Scaled(il, r, 0);
                    il.Op(OpCodes.Conv_I);
                });
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

        // Level 0 has one threshold; deeper levels pick one per row by the node so far, as the path does it.
        private static void SelectThreshold(Il il, KernelPlan plan, IlVectorPathEmitter path, Codebook c, int level)
        {
            if (level == 0)
            {
                Lane(il, plan, c, 0, 0);
                il.Call(path.VectorType.CreateFloat);
                return;
            }

            path.SelectThreshold(il, plan, c, level);
        }

        internal static void Lane(Il il, KernelPlan plan, Codebook c, int level, int node)
        {
            if (c.IsConstant)
            {
                il.Float(plan.Threshold(c.Value, level, node));
                return;
            }

            Element(il, LanesArg, 4, () => c.Scaled(il, 32, level * 8 + node));
            il.Op(OpCodes.Ldind_R4);
        }

        internal static void WriteVectorAggregateBlock(Il il, KernelPlan plan, IlVectorPathEmitter path)
        {
            IlVectorMembers v = path.VectorType;
            int r = path.Path.RowsPerBlock, g = plan.GroupSize;
            il.Declare("low", v.OfUShort);
            il.Declare("high", v.OfUShort);
            for (int i = 0; i < g; i++) il.Declare("looked" + i, v.OfByte);
            il.Call(v.UShortZero);
            il.Store("low");
            il.Call(v.UShortZero);
            il.Store("high");
            MethodInfo average = path.Average;
            ForEachGroup(il, plan, c =>
            {
                for (int i = 0; i < g; i++)
                {
                    // looked_i = lookup of table[(c + i) * 16 ..] by block[(c + i) * rows ..]
                    Codebook ci = c.Plus(i);
                    path.Lookup(il, () =>
                    {
                        il.Arg(TableArg);
                        ci.Scaled(il, 16, 0);
                        il.Op(OpCodes.Conv_U);
                    }, () =>
                    {
                        il.Arg(CodesArg);
                        ci.Scaled(il, r, 0);
                        il.Op(OpCodes.Conv_U);
                    });
                    il.Store("looked" + i);
                }

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
                il.Call(v.WidenLowerByte);
                il.Call(v.AddUShort);
                il.Store("low");
                il.Load("high");
                il.Load("looked0");
                il.Call(v.WidenUpperByte);
                il.Call(v.AddUShort);
                il.Store("high");
            });

            // Rows in order: low holds the first half, high the second.
            string[] accumulators = { "low", "low", "high", "high" };
            for (int k = 0; k < 4; k++)
            {
                il.Load(accumulators[k]);
                il.Call(k % 2 == 0 ? v.WidenLowerUShort : v.WidenUpperUShort);
                il.Call(v.UIntAsInt32);
                if (plan.IsAverage)
                {
                    il.Int(g);
                    il.Call(v.MultiplyInt);
                    il.Int(plan.BiasCorrection);
                    il.Call(v.CreateInt);
                    il.Call(v.SubtractInt);
                }

                il.Arg(SumsArg);
                il.Int(k * path.Path.FloatLanes);
                il.Op(OpCodes.Conv_U);
                il.Call(v.StoreInt);
            }
        }

        internal static void WriteScalarEncodeGroup(Il il, KernelPlan plan)
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

        internal static void WriteScalarAggregateBlock(Il il, KernelPlan plan)
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

        private static Type[] Repeat(Type type, int count)
        {
            var types = new Type[count];
            for (int i = 0; i < count; i++) types[i] = type;
            return types;
        }

        /// <summary>The codebook a step works on: a constant (unrolled) or the loop counter plus a constant, as
        /// in the C# writer.</summary>
        internal readonly struct Codebook
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
