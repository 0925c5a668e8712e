using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Hostile model documents: valid ones mutated every way we could think of must load as valid models or
/// fail with <see cref="LutModelException"/>; nothing else.</summary>
public class ModelLoaderFuzzTests(ITestOutputHelper output)
{
    private static Gen<LutModel> ValidModels => ModelDocuments.ValidModels;

    private static Gen<Mutation[]> Mutations => ModelDocuments.Mutations;

    [Fact]
    public void MutatedDocumentsLoadOrThrowLutModelException()
    {
        FuzzBudget.Run(
            Gen.Select(ValidModels, Mutations),
            t => ModelOracle.Parse(JsonMutator.Apply(t.Item1.ToJson(), t.Item2)),
            ciIterations: 1500, output,
            print: t => JsonMutator.Show(JsonMutator.Apply(t.Item1.ToJson(), t.Item2)));
    }

    [Fact]
    public void MutatedBytesThroughLoadThrowLutModelException()
    {
        // Byte-level edits make invalid UTF-8, BOMs and truncated multi-byte sequences; Load reads them from disk.
        string path = Path.Combine(Path.GetTempPath(), "kc-fuzz-" + Guid.NewGuid().ToString("N") + ".lut.json");
        try
        {
            FuzzBudget.Run(
                Gen.Select(ValidModels, Gen.Select(Gen.Int, Gen.Byte).Array[1, 6], Gen.Int[0, 3]),
                t =>
                {
                    byte[] bytes = Mutate(Encoding.UTF8.GetBytes(t.Item1.ToJson()), t.Item2, t.Item3);
                    File.WriteAllBytes(path, bytes);
                    try
                    {
                        ModelOracle.CheckAccepted(LutModel.Load(path));
                    }
                    catch (LutModelException e)
                    {
                        Assert.Equal(path, e.FilePath);
                    }
                },
                ciIterations: 300, output,
                print: t => Convert.ToHexString(Mutate(Encoding.UTF8.GetBytes(t.Item1.ToJson()), t.Item2, t.Item3)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Mutate(byte[] bytes, (int At, byte Value)[] edits, int mode)
    {
        var list = new List<byte>(bytes);
        foreach ((int at, byte value) in edits)
        {
            int i = (int)((uint)at % (uint)Math.Max(list.Count, 1));
            switch (mode)
            {
                case 0 when list.Count > 0: list[i] = value; break;
                case 1 when list.Count > 0: list[i] ^= (byte)(1 << (value & 7)); break;
                case 2: list.Insert(i, value); break;
                default: if (list.Count > i) list.RemoveRange(i, list.Count - i); break;
            }
        }

        return list.ToArray();
    }

    private static readonly string[] WrongValues =
    [
        "null", "true", "false", "\"\"", "\"x\"", "0", "-1", "1.5", "-0", "2147483648", "1e30", "1e999", "-1e999",
        "[]", "{}", "[[]]", "[null]", "NaN", "Infinity", "\"NaN\"", "3.4028236e38", "65536", "256", "257",
    ];

    [Fact]
    public void EveryFieldWithEveryWrongValue()
    {
        // Exhaustive over a small model with every optional part: replace each node (object property or array
        // element, at any depth) by each wrong value, and remove each node.
        LutModel model = RandomModels.Create(5, 3, 2, 2, LutAggregation.Average, prototypes: true);
        JsonNode root = JsonNode.Parse(model.ToJson())!;
        var paths = new List<Func<JsonNode, (JsonNode Parent, object Key)>>();
        Collect(root, [], paths);
        int rejected = 0, accepted = 0;
        foreach (var locate in paths)
        {
            foreach (string wrong in WrongValues.Append("<remove>"))
            {
                JsonNode copy = root.DeepClone();
                (JsonNode parent, object key) = locate(copy);
                if (wrong == "<remove>")
                {
                    if (key is string name) parent.AsObject().Remove(name);
                    else parent.AsArray().RemoveAt((int)key);
                }
                else
                {
                    Set(parent, key, JsonValue.Create("__MARK__"));
                }

                string text = copy.ToJsonString().Replace("\"__MARK__\"", wrong);
                if (ModelOracle.Parse(text) is null) rejected++;
                else accepted++;
            }
        }

        output.WriteLine(paths.Count + " nodes, " + rejected + " rejected, " + accepted + " accepted");
        Assert.True(paths.Count > 60);
        Assert.True(rejected > paths.Count * 15);
    }

    private static void Set(JsonNode parent, object key, JsonNode value)
    {
        if (key is string name) parent[name] = value;
        else parent[(int)key] = value;
    }

    private static void Collect(JsonNode node, List<object> path, List<Func<JsonNode, (JsonNode, object)>> paths)
    {
        IEnumerable<(object Key, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((child, i) => ((object)i, child)),
            _ => [],
        };
        foreach ((object key, JsonNode? child) in children.ToList())
        {
            object[] parentPath = path.ToArray();
            paths.Add(r => (Walk(r, parentPath), key));
            if (child is not null) Collect(child, [.. path, key], paths);
        }
    }

    private static JsonNode Walk(JsonNode root, object[] path)
    {
        JsonNode node = root;
        foreach (object key in path) node = key is string name ? node[name]! : node[(int)key]!;
        return node;
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(10_000)]
    [InlineData(1_000_000)]
    public void DeepNestingIsRejectedWithoutRecursingPastTheLimit(int depth)
    {
        // Nesting anywhere, including at the top level and inside a known field.
        string arrays = new string('[', depth) + new string(']', depth);
        string objects = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "0" + new string('}', depth);
        string inside = RandomModels.Create(1, 2, 1, 1).ToJson().Replace("\"name\":", "\"x\":" + arrays + ",\"name\":");
        foreach (string text in new[] { arrays, objects, inside, new string('[', depth) })
        {
            var e = Assert.Throws<LutModelException>(() => LutModel.Parse(text));
            if (depth > LutModelLimits.MaxJsonDepth && text != inside) Assert.Contains("nesting", e.Problem);
        }
    }
}
