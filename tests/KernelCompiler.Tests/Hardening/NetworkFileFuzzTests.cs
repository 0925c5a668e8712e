using CsCheck;
using KernelCompiler.Tests.Networks;
using Xunit.Abstractions;

namespace KernelCompiler.Tests.Hardening;

/// <summary>Hostile network documents: valid networks mutated with the model fuzzer's JSON edits must load as valid
/// networks or fail with <see cref="LutModelException"/> and a <c>$…</c> path; nothing else.</summary>
public class NetworkFileFuzzTests(ITestOutputHelper output)
{
    /// <summary>1–3 layers, LUT (from the model fuzzer's valid models, chained by width) or dense, with activations.</summary>
    private static readonly Gen<LutNetwork> ValidNetworks =
        Gen.Select(ModelDocuments.ValidModels, Gen.Int[0, 1000], Gen.Int[1, 3]).Select(t =>
        {
            var random = new Random(t.Item2);
            var layers = new List<NetworkLayer> { new LutLayer(t.Item1, random.Next(2) == 0 ? LayerActivation.Relu : LayerActivation.Identity) };
            int width = t.Item1.OutputDimension;
            for (int i = 1; i < t.Item3; i++)
            {
                int m = random.Next(1, 6);
                layers.Add(NetworkTestData.Dense(t.Item2 + i, width, m, random.Next(2) == 0 ? LayerActivation.Relu : LayerActivation.Identity));
                width = m;
            }

            int[] shape = t.Item1.InputDimension % 3 == 0 ? [3, t.Item1.InputDimension / 3] : [t.Item1.InputDimension];
            return new LutNetwork("net" + t.Item2, new NetworkInput("x", shape, random.Next(2) == 0 ? "N" : "1"), layers,
                random.Next(2) == 0 ? NetworkHead.Logits : NetworkHead.ArgMax, (NetworkOutputTransform)random.Next(3), "fuzz");
        });

    [Fact]
    public void Mutated_network_documents_load_or_throw_LutModelException()
    {
        FuzzBudget.Run(
            Gen.Select(ValidNetworks, ModelDocuments.Mutations),
            t => Check(JsonMutator.Apply(t.Item1.ToJson(), t.Item2)),
            ciIterations: 600, output,
            print: t => JsonMutator.Show(JsonMutator.Apply(t.Item1.ToJson(), t.Item2)));
    }

    private static void Check(string text)
    {
        LutFile file;
        try
        {
            file = LutFile.Parse(text, "fuzz.lut.json");
        }
        catch (LutModelException e)
        {
            Assert.StartsWith("$", e.JsonPath);
            Assert.Equal("fuzz.lut.json", e.FilePath);
            return;
        }

        LutNetwork network = file.ToNetwork();
        Assert.Equal(network.ToJson(), LutNetwork.Parse(network.ToJson()).ToJson());
        float[] x = NetworkTestData.Rows(text.Length, 3, network.InputDimension);
        var y = new float[3 * network.OutputDimension];
        NetworkExecutor.CreateReference(network).Multiply(x, y);
        var classes = new int[3];
        NetworkExecutor.CreateReference(network).Predict(x, classes);
        Assert.All(classes, c => Assert.InRange(c, 0, network.OutputDimension - 1));
    }
}
