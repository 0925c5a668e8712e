// Shared source: also compiled into the netstandard2.0 [LutKernel] source generator (see docs/generator.md).
using System.Text;
using KernelCompiler.Emit.Paths;
using KernelCompiler.Planning;

namespace KernelCompiler.Emit
{
    // The block steps, EncodeGroup and AggregateBlock: the model-specific code, written once for the vector paths, which
    // supply their instructions (Paths/CSharp*PathWriter.cs), and once for the scalar path. IlKernelEmitter.Steps.cs emits
    // the same operations in the same order; keep the two files in step.
    internal static partial class CSharpKernelWriter
    {
        internal static void WriteVectorEncodeGroup(SourceText w, KernelPlan plan, CSharpVectorPathWriter path)
        {
            string v = path.VectorType;
            int r = path.Path.RowsPerBlock;
            bool masks = path.KeepsLevelMasks;
            w.Line("// EncodeGroup: codes of " + Int(path.Path.FloatLanes) + " rows (from row 'row' of the block) for every codebook; a row's");
            w.Line("// code is the binary number of its four decisions (x[d] >= threshold, the threshold picked by the decisions so far).");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeGroup(ref float slots, ref byte block, nint row)");
            w.Open();
            // A path without an eight-lane permute selects deeper thresholds with the earlier levels' masks.
            w.Line(v + "<int> node;");
            if (masks) w.Line(v + "<float> mask0, mask1, mask2;");
            ForEachCodebook(w, plan, c =>
            {
                w.Line("node = " + v + "<int>.Zero;");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    string compare = v + ".GreaterThanOrEqual(" + v + ".LoadUnsafe(ref slots, (nuint)(" + SlotOffset(plan, c, level, r) +
                        " + row)), " + SelectThreshold(plan, path, c, level) + ")";
                    if (masks && level < LutModel.TreeDepth - 1)
                    {
                        compare = "(mask" + Int(level) + " = " + compare + ")";
                    }

                    w.Line("node = node + node - " + compare + ".AsInt32();");
                }

                w.Line(path.StoreNodes(c.Scaled(r, 0)) + ";");
            });
            w.Close();
            w.Line();
        }

        private static string SlotOffset(KernelPlan plan, Codebook c, int level, int rows)
            => c.IsConstant
                ? Int(plan.SlotOf(c.Value, level) * rows)
                : "Unsafe.Add(ref slotOf, " + c.Scaled(LutModel.TreeDepth, level) + ") * " + Int(rows);

        // Level 0 has one threshold; deeper levels pick one per row by the node so far, as the path does it.
        private static string SelectThreshold(KernelPlan plan, CSharpVectorPathWriter path, Codebook c, int level)
            => level == 0 ? path.VectorType + ".Create(" + Lane(plan, c, 0, 0) + ")" : path.SelectThreshold(plan, c, level);

        internal static string Lane(KernelPlan plan, Codebook c, int level, int node)
            => c.IsConstant
                ? Float(plan.Threshold(c.Value, level, node))
                : "Unsafe.Add(ref lanes, " + c.Scaled(32, level * 8 + node) + ")";

        internal static string LaneList(KernelPlan plan, int c, int level)
        {
            var sb = new StringBuilder();
            for (int j = 0; j < KernelPlan.LanesPerLevel; j++)
            {
                if (j > 0) sb.Append(", ");
                sb.Append(Float(plan.ThresholdLanes[(c * LutModel.TreeDepth + level) * KernelPlan.LanesPerLevel + j]));
            }

            return sb.ToString();
        }

        internal static void WriteVectorAggregateBlock(SourceText w, KernelPlan plan, CSharpVectorPathWriter path)
        {
            string v = path.VectorType;
            int r = path.Path.RowsPerBlock;
            int g = plan.GroupSize;
            w.Line("// AggregateBlock: the sums of one output for the block's " + Int(r) + " rows; each codebook is one in-lane");
            w.Line("// 16-entry byte lookup for all rows, widened into 16-bit sums (C · 255 fits).");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void AggregateBlock(ref byte block, ref byte table, ref int sums)");
            w.Open();
            w.Line(v + "<ushort> low = " + v + "<ushort>.Zero;");
            w.Line(v + "<ushort> high = " + v + "<ushort>.Zero;");
            var looked = new StringBuilder(v + "<byte> looked0");
            for (int i = 1; i < g; i++) looked.Append(", looked").Append(Int(i));
            w.Line(looked.Append(';').ToString());
            ForEachGroup(w, plan, c =>
            {
                for (int i = 0; i < g; i++)
                {
                    Codebook ci = c.Plus(i);
                    w.Line("looked" + Int(i) + " = " + path.Lookup("table, (nuint)(" + ci.Scaled(16, 0) + ")", "block, (nuint)(" + ci.Scaled(r, 0) + ")") + ";");
                }

                for (int width = g; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        w.Line("looked" + Int(i) + " = " + path.Average + "(looked" + Int(2 * i) + ", looked" + Int(2 * i + 1) + ");");
                    }
                }

                w.Line("low += " + v + ".WidenLower(looked0);");
                w.Line("high += " + v + ".WidenUpper(looked0);");
            });
            int lanes = path.Path.FloatLanes;
            string[] parts = { "WidenLower(low)", "WidenUpper(low)", "WidenLower(high)", "WidenUpper(high)" };
            w.Line("// Rows 0.." + Int(r - 1) + " in order: low holds the first half, high the second.");
            for (int k = 0; k < 4; k++)
            {
                string value = v + "." + parts[k] + ".AsInt32()";
                if (plan.IsAverage)
                {
                    value = "(" + value + " * " + Int(g) + " - " + v + ".Create(" + Int(plan.BiasCorrection) + "))";
                }

                w.Line(value + ".StoreUnsafe(ref sums, " + Int(k * lanes) + ");");
            }

            w.Close();
            w.Line();
        }

        internal static void WriteScalarEncodeGroup(SourceText w, KernelPlan plan)
        {
            w.Line("// EncodeGroup on one row (row is always 0): each codebook's tree as nested decisions (>= goes right; NaN goes left).");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void EncodeGroup(ref float slots, ref byte block, nint row)");
            w.Open();
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c++)
                {
                    w.Line("// Codebook " + Int(c) + ": " + SplitList(plan, c));
                    w.Line("Unsafe.Add(ref block, " + Int(c) + ") = " + ScalarTree(plan, c, 0, 0) + ";");
                }
            }
            else
            {
                w.Line("ref float lanes = ref MemoryMarshal.GetReference(ThresholdLanes);");
                w.Line("ref int slotOf = ref MemoryMarshal.GetReference(SlotOfLevel);");
                w.Line("for (int c = 0; c < Codebooks; c++)");
                w.Open();
                w.Line("int node = 0;");
                var c = Codebook.Variable("c");
                for (int level = 0; level < LutModel.TreeDepth; level++)
                {
                    w.Line("node = node + node + (Unsafe.Add(ref slots, Unsafe.Add(ref slotOf, " + c.Scaled(LutModel.TreeDepth, level) +
                        ")) >= Unsafe.Add(ref lanes, " + c.Scaled(32, level * 8) + " + node) ? 1 : 0);");
                }

                w.Line("Unsafe.Add(ref block, c) = (byte)node;");
                w.Close();
            }

            w.Close();
            w.Line();
        }

        // One codebook's tree as nested conditionals, a line per node above the last two levels (those on one line):
        // the same comparisons in the same order as a tree of ifs.
        private static string ScalarTree(KernelPlan plan, int c, int level, int node)
        {
            string test = "Unsafe.Add(ref slots, " + Int(plan.SlotOf(c, level)) + ") >= " + Float(plan.Threshold(c, level, node));
            if (level == LutModel.TreeDepth - 1)
            {
                return "(" + test + " ? (byte)" + Int(2 * node + 1) + " : (byte)" + Int(2 * node) + ")";
            }

            if (level == LutModel.TreeDepth - 2)
            {
                return "(" + test + " ? " + ScalarTree(plan, c, level + 1, 2 * node + 1) + " : " + ScalarTree(plan, c, level + 1, 2 * node) + ")";
            }

            string indent = "\n" + new string(' ', 4 * (level + 1));
            return test + indent + "? " + Nested(ScalarTree(plan, c, level + 1, 2 * node + 1)) + indent + ": " +
                Nested(ScalarTree(plan, c, level + 1, 2 * node));
        }

        private static string Nested(string tree) => tree.StartsWith("(", System.StringComparison.Ordinal) ? tree : "(" + tree + ")";

        // The input columns a codebook's levels split, as a comment.
        private static string SplitList(KernelPlan plan, int c)
        {
            var sb = new StringBuilder();
            for (int level = 0; level < LutModel.TreeDepth; level++)
            {
                if (level > 0) sb.Append(", ");
                sb.Append("x[").Append(Int(plan.Model.SplitDimension(c, level))).Append(']');
            }

            return sb.ToString();
        }

        internal static void WriteScalarAggregateBlock(SourceText w, KernelPlan plan)
        {
            int g = plan.GroupSize;
            w.Line("// AggregateBlock on one row: the looked-up table entries of one output, " +
                (plan.IsAverage ? "averaged in groups, then summed." : "summed."));
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            w.Line("public void AggregateBlock(ref byte block, ref byte table, ref int sums)");
            w.Open();
            w.Line("int sum = 0;");
            var looked = new StringBuilder("int looked0");
            for (int i = 1; i < g; i++) looked.Append(", looked").Append(Int(i));
            w.Line(looked.Append(';').ToString());
            ForEachGroup(w, plan, c =>
            {
                for (int i = 0; i < g; i++)
                {
                    Codebook ci = c.Plus(i);
                    w.Line("looked" + Int(i) + " = Unsafe.Add(ref table, " + ci.Scaled(16, 0) + " + Unsafe.Add(ref block, " + ci.Scaled(1, 0) + "));");
                }

                for (int width = g; width > 1; width /= 2)
                {
                    for (int i = 0; i < width / 2; i++)
                    {
                        w.Line("looked" + Int(i) + " = (looked" + Int(2 * i) + " + looked" + Int(2 * i + 1) + " + 1) >> 1;");
                    }
                }

                w.Line("sum += looked0;");
            });
            w.Line(plan.IsAverage ? "sums = sum * " + Int(g) + " - " + Int(plan.BiasCorrection) + ";" : "sums = sum;");
            w.Close();
            w.Line();
        }

        // Unrolled: one block of code per codebook with constant indices. Table-driven: a loop whose body reads
        // the split dimensions and thresholds from data.
        private static void ForEachCodebook(SourceText w, KernelPlan plan, System.Action<Codebook> body)
        {
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c++)
                {
                    w.Line("// Codebook " + Int(c) + ": " + SplitList(plan, c));
                    body(Codebook.Constant(c));
                }

                return;
            }

            w.Line("ref float lanes = ref MemoryMarshal.GetReference(ThresholdLanes);");
            w.Line("ref int slotOf = ref MemoryMarshal.GetReference(SlotOfLevel);");
            w.Line("for (int c = 0; c < Codebooks; c++)");
            w.Open();
            body(Codebook.Variable("c"));
            w.Close();
        }

        // Codebooks in average groups of G = min(16, C) (1 for exact aggregation), in codebook order.
        private static void ForEachGroup(SourceText w, KernelPlan plan, System.Action<Codebook> body)
        {
            int g = plan.GroupSize;
            if (plan.IsUnrolled)
            {
                for (int c = 0; c < plan.Codebooks; c += g)
                {
                    w.Line(g == 1 ? "// Codebook " + Int(c) : "// Codebooks " + Int(c) + ".." + Int(c + g - 1));
                    body(Codebook.Constant(c));
                }

                return;
            }

            w.Line("for (int c = 0; c < Codebooks; c += " + Int(g) + ")");
            w.Open();
            body(Codebook.Variable("c"));
            w.Close();
        }

        /// <summary>The codebook a step works on: a constant (unrolled) or a loop variable plus a constant.</summary>
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

            /// <summary>codebook · scale + add, folded when constant.</summary>
            public string Scaled(int scale, int add)
            {
                if (_variable == null)
                {
                    return Int(Value * scale + add);
                }

                string c = Value == 0 ? _variable : "(" + _variable + " + " + Int(Value) + ")";
                string term = scale == 1 ? c : c + " * " + Int(scale);
                return add == 0 ? term : term + " + " + Int(add);
            }
        }
    }
}
