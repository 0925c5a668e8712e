using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;
using KernelCompiler.Emit;

namespace KernelCompiler.Tests.Hardening;

/// <summary>
/// "A validated model cannot name a split dimension ≥ D or a table index ≥ 16": the constructor and the loader
/// reject every out-of-range split dimension and every wrong-length array, and every code any backend produces for
/// any float input (NaN, ±∞, float.MaxValue, −0 included) is in 0..15.
/// </summary>
public class ModelInvariantTests(ITestOutputHelper output)
{
    private static readonly Gen<(int D, int M, int C, int Seed)> Shapes =
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 5], Gen.Int[1, 20], Gen.Int[0, 100_000]);

    // Every int outside 0..D−1 is covered by its boundaries and random picks from both sides.
    private static Gen<int> OutOfRange(int d) => Gen.OneOf(
        Gen.OneOfConst(d, d + 1, -1, int.MinValue, int.MaxValue, LutModelLimits.MaxInputDimension),
        Gen.Int[d, int.MaxValue],
        Gen.Int[int.MinValue, -1]);

    private static LutModel Model((int D, int M, int C, int Seed) s) => RandomModels.Create(s.Seed, s.D, s.M, s.C);

    private static int[] Splits(LutModel m) => m.SplitDimensions.ToArray();

    private static LutModel Rebuild(LutModel m, int[]? splits = null, float[]? thresholds = null, byte[]? tables = null,
        float[]? steps = null, float[]? offsets = null, float[]? prototypes = null)
        => new(m.InputDimension, m.OutputDimension, splits ?? Splits(m), thresholds ?? m.Thresholds.ToArray(),
            tables ?? m.Tables.ToArray(), steps ?? m.Steps.ToArray(), offsets ?? m.Offsets.ToArray(), m.Aggregation,
            prototypes, m.Name);

    [Fact]
    public void ConstructorAndLoaderRejectEveryOutOfRangeSplitDimension()
    {
        Gen<((int D, int M, int C, int Seed) Shape, int Codebook, int Level, int Bad)> cases =
            from shape in Shapes
            from codebook in Gen.Int[0, shape.Item3 - 1]
            from level in Gen.Int[0, 3]
            from bad in OutOfRange(shape.Item1)
            select (shape, codebook, level, bad);
        FuzzBudget.Run(cases, t =>
        {
            LutModel model = Model(t.Shape);
            string path = "$.codebooks[" + t.Codebook + "].splitDimensions[" + t.Level + "]";
            int[] splits = Splits(model);
            splits[t.Codebook * 4 + t.Level] = t.Bad;
            Assert.Equal(path, Assert.Throws<LutModelException>(() => Rebuild(model, splits)).JsonPath);

            JsonNode doc = JsonNode.Parse(model.ToJson())!;
            doc["codebooks"]![t.Codebook]!["splitDimensions"]![t.Level] = t.Bad;
            Assert.Equal(path, Assert.Throws<LutModelException>(() => LutModel.Parse(doc.ToJsonString())).JsonPath);
        }, ciIterations: 400, output);
    }

    [Fact]
    public void ConstructorRejectsEveryWrongLengthArray()
    {
        Gen<((int D, int M, int C, int Seed) Shape, int Part, int Delta)> cases =
            from shape in Shapes
            from part in Gen.Int[0, 5]
            from delta in Gen.OneOf(Gen.Int[-20, -1], Gen.Int[1, 20])
            select (shape, part, delta);
        FuzzBudget.Run(cases, t =>
        {
            LutModel m = Model(t.Shape);
            static T[] Resize<T>(ReadOnlySpan<T> a, int delta)
            {
                var r = new T[Math.Max(0, a.Length + delta)];
                a.Slice(0, Math.Min(a.Length, r.Length)).CopyTo(r);
                return r;
            }

            // A wrong-length split array that is still a multiple of 4 changes C, and then the other arrays are wrong.
            Action build = t.Part switch
            {
                0 => () => Rebuild(m, splits: Resize(m.SplitDimensions, t.Delta)),
                1 => () => Rebuild(m, thresholds: Resize(m.Thresholds, t.Delta)),
                2 => () => Rebuild(m, tables: Resize(m.Tables, t.Delta)),
                3 => () => Rebuild(m, steps: Resize(m.Steps, t.Delta)),
                4 => () => Rebuild(m, offsets: Resize(m.Offsets, t.Delta)),
                _ => () => Rebuild(m, prototypes: new float[Math.Max(0, m.Codebooks * 16 * m.InputDimension + t.Delta)]),
            };
            Assert.Throws<LutModelException>(build);
        }, ciIterations: 400, output);
    }

    [Fact]
    public void LoaderRejectsEveryWrongLengthArray()
    {
        // Every array of the document, at every depth, one element longer and one shorter.
        LutModel model = RandomModels.Create(9, 5, 3, 3, prototypes: true);
        JsonNode root = JsonNode.Parse(model.ToJson())!;
        var arrays = new List<string>();
        void Visit(JsonNode node, string path)
        {
            if (node is JsonArray a)
            {
                arrays.Add(path);
                for (int i = 0; i < a.Count; i++) Visit(a[i]!, path + "[" + i + "]");
            }
            else if (node is JsonObject o)
            {
                foreach (var p in o) Visit(p.Value!, path + "." + p.Key);
            }
        }

        Visit(root, "$");
        foreach (string path in arrays)
        {
            foreach (bool longer in new[] { true, false })
            {
                JsonNode copy = root.DeepClone();
                JsonArray target = Find(copy, path).AsArray();
                if (longer) target.Add(target.Count > 0 ? target[0]!.DeepClone() : JsonValue.Create(0));
                else if (target.Count > 0) target.RemoveAt(target.Count - 1);
                else continue;
                if (path == "$.codebooks" && !longer) continue; // fewer codebooks with matching tables is checked below
                var e = Assert.Throws<LutModelException>(() => LutModel.Parse(copy.ToJsonString()));
                output.WriteLine(path + (longer ? " +1: " : " -1: ") + e.JsonPath + ": " + e.Problem);
            }
        }

        // Hex tables and base64 prototypes: one character more or fewer.
        foreach (string path in new[] { "$.tables[0][0]", "$.tables[2][1]", "$.prototypes[0]", "$.prototypes[2]" })
        {
            foreach (int delta in new[] { -2, -1, 1, 2 })
            {
                JsonNode copy = root.DeepClone();
                (JsonNode parent, int index) = (Find(copy, path[..path.LastIndexOf('[')]), int.Parse(path[(path.LastIndexOf('[') + 1)..^1]));
                string text = parent[index]!.GetValue<string>();
                parent[index] = delta < 0 ? text[..^(-delta)] : text + new string('0', delta);
                Assert.Equal(path, Assert.Throws<LutModelException>(() => LutModel.Parse(copy.ToJsonString())).JsonPath);
            }
        }
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        JsonNode node = root;
        foreach (string part in path[1..].Replace("[", ".[").Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            node = part.StartsWith('[') ? node[int.Parse(part[1..^1])]! : node[part]!;
        }

        return node;
    }

    private static readonly float[] Specials =
    [
        float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, -0f, 0f,
        float.Epsilon, -float.Epsilon, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)), 1e-40f,
    ];

    [Fact]
    public void EveryCodeOfEveryBackendIsBelow16ForAnyFloatInput()
    {
        Gen<float> floats = Gen.Frequency((3, Gen.Float), (2, Gen.OneOfConst(Specials)), (2, Gen.Float[-3f, 3f]));
        Gen<((int D, int M, int C, int Seed) Shape, float[] X, bool ThresholdsAtExtremes)> cases =
            from shape in Gen.Select(Gen.Int[1, 12], Gen.Int[1, 3], Gen.Int[1, 40], Gen.Int[0, 100_000])
            from x in floats.Array[shape.Item1 * 1, shape.Item1 * 1]
                .Array[1, 40].Select(rows => rows.SelectMany(r => r).ToArray())
            from extremes in Gen.Bool
            select (shape, x, extremes);
        FuzzBudget.Run(cases, t =>
        {
            LutModel model = Model(t.Shape);
            if (t.ThresholdsAtExtremes)
            {
                // Thresholds at the ends of the float range too (±MaxValue, tiny, −0).
                float[] th = model.Thresholds.ToArray();
                for (int i = 0; i < th.Length; i++) th[i] = Specials[3 + i % 8] is float s && float.IsFinite(s) ? s : th[i];
                model = Rebuild(model, thresholds: th);
            }

            int rows = t.X.Length / model.InputDimension;
            var expected = new byte[rows * model.Codebooks];
            LutKernel.CreateReference(model).Encode(t.X, expected);
            Assert.All(expected, code => Assert.InRange(code, (byte)0, (byte)15));
            foreach (KernelInstructionSet isa in new[] { KernelInstructionSet.Auto, KernelInstructionSet.Scalar })
            {
                LutKernel kernel = LutKernel.Compile(model, new LutKernelOptions { InstructionSet = isa });
                var codes = new byte[expected.Length];
                kernel.Encode(t.X, codes);
                Assert.Equal(expected, codes);
                kernel.EncodeColumnMajor(RandomModels.Transpose(t.X, rows, model.InputDimension), codes);
                Assert.Equal(expected, codes);
            }
        }, ciIterations: 60, output);
    }
}
